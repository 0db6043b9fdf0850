import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { QueryDeepPartialEntity } from 'typeorm';
import { ErrorCode, MasalaException, TenantDatabase } from '#kernel';
import { TicketComment } from '../../domain/comment.entity.js';
import { toCommentView, type CommentView } from '../../domain/comment.view.js';
import { assertPermission, findVisibleTicket } from '../../domain/ticket-access.js';
import { Ticket } from '../../domain/ticket.entity.js';
import { TicketCommentedEvent } from '../../events/comment.events.js';
import { TicketSearchIndex } from '../../infrastructure/search/ticket-search-index.js';
import { AddCommentCommand } from './add-comment.command.js';

/**
 * Adds a public reply or an internal note. The ticket's comment counters change, but not its
 * version or update time, so a customer cannot tell from the ticket that an internal note
 * was added, and editors of the ticket do not get 412 because someone replied.
 */
@CommandHandler(AddCommentCommand)
export class AddCommentHandler implements ICommandHandler<AddCommentCommand> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly search: TicketSearchIndex,
  ) {}

  async execute({ principal, ticketId, input, origin }: AddCommentCommand): Promise<CommentView> {
    const { tenantId, actor } = principal;
    const internal = input.internal ?? false;
    if (origin && actor.type !== 'system') {
      throw new MasalaException(ErrorCode.Forbidden, 'Only operator imports may set the author and time of a comment');
    }

    return this.database.write(tenantId, async (unitOfWork) => {
      const manager = unitOfWork.manager;
      const ticket = await findVisibleTicket(manager, principal, ticketId);
      if (internal) assertPermission(principal, 'comments.internal', 'write internal notes');

      const createdAt = origin?.createdAt ?? new Date();
      const comment = Object.assign(new TicketComment(), {
        tenantId,
        id: crypto.randomUUID(),
        ticketId: ticket.id,
        authorId: origin?.authorId ?? actor.id,
        body: input.body,
        internal,
        version: 1,
        editedAt: null,
        createdAt,
        updatedAt: createdAt,
      });
      await manager.insert(TicketComment, comment as QueryDeepPartialEntity<TicketComment>);
      // Setting updated_at to itself keeps TypeORM from stamping the update time of the ticket.
      await manager
        .createQueryBuilder()
        .update(Ticket)
        .set({
          commentCount: () => 'comment_count + 1',
          ...(internal ? {} : { publicCommentCount: () => 'public_comment_count + 1' }),
          updatedAt: () => 'updated_at',
        })
        .where('tenant_id = :tenantId AND id = :id', { tenantId, id: ticket.id })
        .execute();
      if (!internal) {
        await this.search.indexSource(manager, { tenantId, ticketId: ticket.id, sourceId: comment.id, texts: [comment.body] });
      }
      await unitOfWork.emit(new TicketCommentedEvent(ticket, comment, actor));
      return toCommentView(comment);
    });
  }
}
