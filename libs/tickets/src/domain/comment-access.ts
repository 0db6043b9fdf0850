import type { EntityManager } from 'typeorm';
import type { Principal } from '#kernel';
import { TicketComment } from './comment.entity.js';
import { seesInternalComments } from './ticket-access.js';
import { TicketsException } from './tickets.exception.js';

/**
 * Loads a comment of a ticket the caller already may read. An internal note is reported as
 * missing to a caller without `comments.internal`, exactly like a comment that does not exist.
 */
export async function findVisibleComment(
  manager: EntityManager,
  principal: Pick<Principal, 'tenantId' | 'permissions'>,
  ticketId: string,
  commentId: string,
): Promise<TicketComment> {
  const comment = await manager.findOne(TicketComment, {
    where: { tenantId: principal.tenantId, ticketId, id: commentId },
  });
  if (!comment || (comment.internal && !seesInternalComments(principal))) {
    throw TicketsException.commentNotFound();
  }
  return comment;
}
