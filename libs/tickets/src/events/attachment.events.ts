import { DomainEvent, type Actor } from '#kernel';
import type { TicketAttachment } from '../domain/attachment.entity.js';
import type { Ticket } from '../domain/ticket.entity.js';

export class AttachmentUploadedEvent extends DomainEvent {
  readonly action = 'attachment.uploaded';

  constructor(ticket: Ticket, attachment: TicketAttachment, actor: Actor) {
    super(
      ticket.tenantId,
      actor,
      'ticket_attachment',
      attachment.id,
      {
        new: {
          ticketId: ticket.id,
          fileName: attachment.fileName,
          contentType: attachment.contentType,
          size: attachment.size,
          sha256: attachment.sha256,
          internal: attachment.internal,
        },
      },
      { subjectIds: [...new Set([ticket.requesterId, attachment.uploaderId])], personalFields: ['fileName'] },
    );
  }
}

/** Every attachment a user uploaded was deleted, as part of erasing that user's data. */
export class OwnerAttachmentsErasedEvent extends DomainEvent {
  readonly action = 'attachments.erased';

  constructor(tenantId: string, actor: Actor, ownerId: string, attachmentIds: string[]) {
    super(tenantId, actor, 'user', ownerId, { old: { attachmentIds }, new: { erased: attachmentIds.length } }, {
      subjectIds: [ownerId],
    });
  }
}
