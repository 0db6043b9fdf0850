import { Command } from '@nestjs/cqrs';
import type { Principal } from '#kernel';
import type { AttachmentView } from '../../domain/attachment.view.js';

export interface UploadedFile {
  content: Buffer;
  /** The name the client sent; it is sanitised before use. */
  originalName: string;
}

export class UploadAttachmentCommand extends Command<AttachmentView> {
  constructor(
    readonly principal: Principal,
    readonly ticketId: string,
    readonly file: UploadedFile,
    readonly internal: boolean,
  ) {
    super();
  }
}
