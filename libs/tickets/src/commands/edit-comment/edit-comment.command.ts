import { Command } from '@nestjs/cqrs';
import type { Principal, ExpectedVersion } from '#kernel';
import type { CommentView } from '../../domain/comment.view.js';

/** Replaces the text of a comment; the previous text is kept as a revision. */
export class EditCommentCommand extends Command<CommentView> {
  constructor(
    readonly principal: Principal,
    readonly ticketId: string,
    readonly commentId: string,
    readonly body: string,
    readonly expectedVersion?: ExpectedVersion,
  ) {
    super();
  }
}
