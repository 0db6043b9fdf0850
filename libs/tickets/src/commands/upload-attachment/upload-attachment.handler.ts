import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { createHash } from 'node:crypto';
import type { QueryDeepPartialEntity } from 'typeorm';
import { TenantDatabase } from '#kernel';
import { TicketAttachment } from '../../domain/attachment.entity.js';
import { toAttachmentView, type AttachmentView } from '../../domain/attachment.view.js';
import { sanitizeFileName } from '../../domain/file-name.js';
import { assertPermission, findVisibleTicket } from '../../domain/ticket-access.js';
import { updateTimeAfter } from '../../domain/ticket-activity.js';
import { Ticket } from '../../domain/ticket.entity.js';
import { AttachmentUploadedEvent } from '../../events/attachment.events.js';
import { AttachmentFiles } from '../../infrastructure/attachments/attachment-files.js';
import { sniffContentType } from '../../infrastructure/attachments/content-type.js';
import { UploadAttachmentCommand } from './upload-attachment.command.js';

/**
 * Stores an uploaded file: the media type comes from the content, the name is sanitised, and the
 * encrypted file is written before the row, then removed again if the row cannot be inserted.
 */
@CommandHandler(UploadAttachmentCommand)
export class UploadAttachmentHandler implements ICommandHandler<UploadAttachmentCommand> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly files: AttachmentFiles,
  ) {}

  async execute({ principal, ticketId, file, internal }: UploadAttachmentCommand): Promise<AttachmentView> {
    const { tenantId, actor } = principal;
    await this.database.read(tenantId, (manager) => findVisibleTicket(manager, principal, ticketId));
    if (internal) assertPermission(principal, 'comments.internal', 'upload internal attachments');

    const type = await sniffContentType(file.content);
    const id = crypto.randomUUID();
    const fallback = type.extension ? `attachment.${type.extension}` : 'attachment';
    const attachment = Object.assign(new TicketAttachment(), {
      tenantId,
      id,
      ticketId,
      uploaderId: actor.id,
      fileName: sanitizeFileName(file.originalName, fallback),
      contentType: type.mime,
      size: file.content.length,
      sha256: createHash('sha256').update(file.content).digest('hex'),
      internal,
      createdAt: new Date(),
    });
    attachment.fileKey = await this.files.write(tenantId, id, file.content);

    try {
      await this.database.write(tenantId, async (unitOfWork) => {
        const ticket = await findVisibleTicket(unitOfWork.manager, principal, ticketId);
        await unitOfWork.manager.insert(TicketAttachment, attachment as QueryDeepPartialEntity<TicketAttachment>);
        // A public attachment is visible to every reader, so it moves updatedAt. An internal one does not.
        if (!internal) {
          await unitOfWork.manager
            .createQueryBuilder()
            .update(Ticket)
            .set({ updatedAt: updateTimeAfter(ticket.updatedAt, attachment.createdAt) })
            .where('tenant_id = :tenantId AND id = :id', { tenantId, id: ticket.id })
            .execute();
        }
        await unitOfWork.emit(new AttachmentUploadedEvent(ticket, attachment, actor));
      });
    } catch (error) {
      await this.files.shred(tenantId, id);
      throw error;
    }
    return toAttachmentView(attachment);
  }
}
