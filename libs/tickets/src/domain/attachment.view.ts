import type { TicketAttachment } from './attachment.entity.js';

export interface AttachmentView {
  id: string;
  ticketId: string;
  uploaderId: string;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  internal: boolean;
  createdAt: string;
}

export function toAttachmentView(attachment: TicketAttachment): AttachmentView {
  return {
    id: attachment.id,
    ticketId: attachment.ticketId,
    uploaderId: attachment.uploaderId,
    fileName: attachment.fileName,
    contentType: attachment.contentType,
    size: attachment.size,
    sha256: attachment.sha256,
    internal: attachment.internal,
    createdAt: attachment.createdAt.toISOString(),
  };
}
