import { Query } from '@nestjs/cqrs';
import type { Principal } from '#kernel';
import type { AttachmentView } from '../../domain/attachment.view.js';

/** Attachments of a ticket, oldest first; internal ones only for callers with `comments.internal`. */
export class ListAttachmentsQuery extends Query<{ data: AttachmentView[] }> {
  constructor(
    readonly principal: Principal,
    readonly ticketId: string,
  ) {
    super();
  }
}
