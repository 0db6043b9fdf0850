import { Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TenantDatabase } from '#kernel';
import { TicketAttachment } from '../../domain/attachment.entity.js';
import { OwnerAttachmentsErasedEvent } from '../../events/attachment.events.js';
import { AttachmentFiles } from '../../infrastructure/attachments/attachment-files.js';
import { EraseOwnerAttachmentsCommand, type ErasedAttachments } from './erase-owner-attachments.command.js';

/**
 * Deletes the rows (and with them the file keys) in one transaction, then shreds the files.
 * A crash between the two leaves encrypted files whose keys no longer exist, so they stay
 * unreadable. Running the command again finds no rows for them.
 */
@CommandHandler(EraseOwnerAttachmentsCommand)
export class EraseOwnerAttachmentsHandler implements ICommandHandler<EraseOwnerAttachmentsCommand> {
  private readonly logger = new Logger(EraseOwnerAttachmentsHandler.name);

  constructor(
    private readonly database: TenantDatabase,
    private readonly files: AttachmentFiles,
  ) {}

  async execute({ tenantId, actor, ownerId }: EraseOwnerAttachmentsCommand): Promise<ErasedAttachments> {
    const attachmentIds = await this.database.write(tenantId, async (unitOfWork) => {
      const manager = unitOfWork.manager;
      const rows = await manager.find(TicketAttachment, {
        select: { tenantId: true, id: true },
        where: { tenantId, uploaderId: ownerId },
      });
      const ids = rows.map((row) => row.id);
      if (ids.length === 0) return ids;
      await manager.delete(TicketAttachment, { tenantId, uploaderId: ownerId });
      await unitOfWork.emit(new OwnerAttachmentsErasedEvent(tenantId, actor, ownerId, ids));
      return ids;
    });
    for (const id of attachmentIds) {
      try {
        await this.files.shred(tenantId, id);
      } catch (error) {
        this.logger.error({ message: 'Shredding an erased attachment failed', tenantId, attachmentId: id, error: String(error) });
      }
    }
    return { erased: attachmentIds.length, attachmentIds };
  }
}
