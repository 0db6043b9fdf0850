import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ErrorCode, TenantDatabase } from '#kernel';
import { findVisibleComment } from '../../domain/comment-access.js';
import { CommentRevision } from '../../domain/comment-revision.entity.js';
import { TicketComment } from '../../domain/comment.entity.js';
import { toCommentView, type CommentView } from '../../domain/comment.view.js';
import { findVisibleTicket } from '../../domain/ticket-access.js';
import { updateTimeAfter } from '../../domain/ticket-activity.js';
import { Ticket } from '../../domain/ticket.entity.js';
import { TicketsException } from '../../domain/tickets.exception.js';
import { assertVersion } from '../../domain/version-check.js';
import { CommentEditedEvent } from '../../events/comment.events.js';
import { TicketSearchIndex } from '../../infrastructure/search/ticket-search-index.js';
import { EditCommentCommand } from './edit-comment.command.js';

/**
 * Edits a comment. Only its author may, and the old text goes to `comment_revisions` first.
 * Editing a public reply moves the ticket's update time forward, and editing an internal note
 * does not.
 */
@CommandHandler(EditCommentCommand)
export class EditCommentHandler implements ICommandHandler<EditCommentCommand> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly search: TicketSearchIndex,
  ) {}

  async execute({ principal, ticketId, commentId, body, expectedVersion }: EditCommentCommand): Promise<CommentView> {
    const { tenantId, actor } = principal;

    return this.database.write(tenantId, async (unitOfWork) => {
      const manager = unitOfWork.manager;
      const ticket = await findVisibleTicket(manager, principal, ticketId);
      const comment = await findVisibleComment(manager, principal, ticket.id, commentId);
      if (comment.authorId !== actor.id) {
        throw new TicketsException(ErrorCode.Forbidden, 'Only the author of a comment may edit it');
      }
      assertVersion(comment, expectedVersion);
      if (comment.body === body) return toCommentView(comment);

      const now = new Date();
      const previousBody = comment.body;
      await manager.insert(CommentRevision, {
        tenantId,
        id: crypto.randomUUID(),
        commentId: comment.id,
        ticketId: ticket.id,
        version: comment.version,
        body: previousBody,
        replacedBy: actor.id,
        replacedAt: now,
      });
      Object.assign(comment, { body, version: comment.version + 1, editedAt: now, updatedAt: now });
      // authorId is unchanged; it tells the subject key subscriber whose key encrypts the body.
      await manager.update(
        TicketComment,
        { tenantId, id: comment.id },
        { body, authorId: comment.authorId, version: comment.version, editedAt: now, updatedAt: now },
      );
      if (!comment.internal) {
        await this.search.indexSource(manager, { tenantId, ticketId: ticket.id, sourceId: comment.id, texts: [body] });
        await manager
          .createQueryBuilder()
          .update(Ticket)
          .set({ updatedAt: updateTimeAfter(ticket.updatedAt, now) })
          .where('tenant_id = :tenantId AND id = :id', { tenantId, id: ticket.id })
          .execute();
      }
      await unitOfWork.emit(new CommentEditedEvent(ticket, comment, actor, previousBody));
      return toCommentView(comment);
    });
  }
}
