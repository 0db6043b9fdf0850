import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TenantDatabase } from '#kernel';
import { findVisibleComment } from '../../domain/comment-access.js';
import { CommentRevision } from '../../domain/comment-revision.entity.js';
import { toRevisionView, type CommentRevisionView } from '../../domain/comment.view.js';
import { findVisibleTicket } from '../../domain/ticket-access.js';
import { ListCommentRevisionsQuery } from './list-comment-revisions.query.js';

@QueryHandler(ListCommentRevisionsQuery)
export class ListCommentRevisionsHandler implements IQueryHandler<ListCommentRevisionsQuery> {
  constructor(private readonly database: TenantDatabase) {}

  async execute({ principal, ticketId, commentId }: ListCommentRevisionsQuery): Promise<{ data: CommentRevisionView[] }> {
    const tenantId = principal.tenantId;
    const revisions = await this.database.read(tenantId, async (manager) => {
      const ticket = await findVisibleTicket(manager, principal, ticketId);
      const comment = await findVisibleComment(manager, principal, ticket.id, commentId);
      return manager.find(CommentRevision, {
        where: { tenantId, commentId: comment.id },
        order: { version: 'ASC' },
      });
    });
    return { data: revisions.map(toRevisionView) };
  }
}
