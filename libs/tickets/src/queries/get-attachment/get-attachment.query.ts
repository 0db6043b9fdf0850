import { Query } from '@nestjs/cqrs';
import type { Principal } from '#kernel';
import type { AttachmentView } from '../../domain/attachment.view.js';

export interface AttachmentContent {
  attachment: AttachmentView;
  content: Buffer;
}

/** The decrypted content of one attachment, for a caller who may read its ticket. */
export class GetAttachmentQuery extends Query<AttachmentContent> {
  constructor(
    readonly principal: Principal,
    readonly ticketId: string,
    readonly attachmentId: string,
  ) {
    super();
  }
}
