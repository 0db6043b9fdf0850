import { Query } from '@nestjs/cqrs';
import type { Page, Principal } from '#kernel';
import type { CommentView } from '../../domain/comment.view.js';

/** Comments of one ticket, oldest first; internal notes only for callers with `comments.internal`. */
export class ListCommentsQuery extends Query<Page<CommentView>> {
  constructor(
    readonly principal: Principal,
    readonly ticketId: string,
    readonly limit: number,
    readonly cursor?: string,
  ) {
    super();
  }
}
