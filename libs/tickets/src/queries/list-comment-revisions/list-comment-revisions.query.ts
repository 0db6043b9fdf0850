import { Query } from '@nestjs/cqrs';
import type { Principal } from '#kernel';
import type { CommentRevisionView } from '../../domain/comment.view.js';

/** Earlier texts of one comment, oldest first. */
export class ListCommentRevisionsQuery extends Query<{ data: CommentRevisionView[] }> {
  constructor(
    readonly principal: Principal,
    readonly ticketId: string,
    readonly commentId: string,
  ) {
    super();
  }
}
