import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { QueryDeepPartialEntity } from 'typeorm';
import { ErrorCode, MasalaException, TenantDatabase } from '#kernel';
import { TicketComment } from '../../domain/comment.entity.js';
import { toCommentView, type CommentView } from '../../domain/comment.view.js';
import { assertPermission, findVisibleTicket } from '../../domain/ticket-access.js';
import { keepUpdateTime, updateTimeAfter } from '../../domain/ticket-activity.js';
import { Ticket } from '../../domain/ticket.entity.js';
import { TicketCommentedEvent } from '../../events/comment.events.js';
import { TicketSearchIndex } from '../../infrastructure/search/ticket-search-index.js';
import { AddCommentCommand } from './add-comment.command.js';

/**
 * Adds a public reply or an internal note. The ticket's comment counters change, but not its
 * version, so editors of the ticket do not get 412 because someone replied. A public reply
 * moves the ticket's update time forward. An internal note leaves it as it is, so a customer
 * cannot tell from the ticket, or from its place in `sort=updated`, that a note was added.
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
      await manager
        .createQueryBuilder()
        .update(Ticket)
        .set({
          commentCount: () => 'comment_count + 1',
          ...(internal ? {} : { publicCommentCount: () => 'public_comment_count + 1' }),
          updatedAt: internal ? keepUpdateTime : updateTimeAfter(ticket.updatedAt, createdAt),
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
