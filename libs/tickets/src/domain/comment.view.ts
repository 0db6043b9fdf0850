import type { CommentRevision } from './comment-revision.entity.js';
import type { TicketComment } from './comment.entity.js';

export interface CommentView {
  id: string;
  ticketId: string;
  authorId: string;
  body: string;
  internal: boolean;
  version: number;
  editedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface CommentRevisionView {
  version: number;
  body: string;
  replacedBy: string;
  replacedAt: string;
}

export function toCommentView(comment: TicketComment): CommentView {
  return {
    id: comment.id,
    ticketId: comment.ticketId,
    authorId: comment.authorId,
    body: comment.body,
    internal: comment.internal,
    version: comment.version,
    editedAt: comment.editedAt?.toISOString() ?? null,
    createdAt: comment.createdAt.toISOString(),
    updatedAt: comment.updatedAt.toISOString(),
  };
}

export function toRevisionView(revision: CommentRevision): CommentRevisionView {
  return {
    version: revision.version,
    body: revision.body,
    replacedBy: revision.replacedBy,
    replacedAt: revision.replacedAt.toISOString(),
  };
}
