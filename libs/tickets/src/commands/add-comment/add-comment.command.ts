import { Command } from '@nestjs/cqrs';
import type { Principal } from '#kernel';
import type { CommentView } from '../../domain/comment.view.js';

export interface AddCommentInput {
  body: string;
  internal?: boolean;
}

/** Imports set the original author and time; only system actors (the CLI) may pass them. */
export interface ImportedCommentOrigin {
  authorId: string;
  createdAt: Date;
}

export class AddCommentCommand extends Command<CommentView> {
  constructor(
    readonly principal: Principal,
    readonly ticketId: string,
    readonly input: AddCommentInput,
    readonly origin?: ImportedCommentOrigin,
  ) {
    super();
  }
}
