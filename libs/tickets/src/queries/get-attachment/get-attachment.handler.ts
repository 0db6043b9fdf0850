import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TenantDatabase } from '#kernel';
import { TicketAttachment } from '../../domain/attachment.entity.js';
import { toAttachmentView } from '../../domain/attachment.view.js';
import { findVisibleTicket, seesInternalComments } from '../../domain/ticket-access.js';
import { TicketsException } from '../../domain/tickets.exception.js';
import { AttachmentFiles } from '../../infrastructure/attachments/attachment-files.js';
import { GetAttachmentQuery, type AttachmentContent } from './get-attachment.query.js';

@QueryHandler(GetAttachmentQuery)
export class GetAttachmentHandler implements IQueryHandler<GetAttachmentQuery> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly files: AttachmentFiles,
  ) {}

  async execute({ principal, ticketId, attachmentId }: GetAttachmentQuery): Promise<AttachmentContent> {
    const tenantId = principal.tenantId;
    const attachment = await this.database.read(tenantId, async (manager) => {
      await findVisibleTicket(manager, principal, ticketId);
      const row = await manager.findOne(TicketAttachment, { where: { tenantId, ticketId, id: attachmentId } });
      if (!row || (row.internal && !seesInternalComments(principal))) throw TicketsException.attachmentNotFound();
      return row;
    });
    const content = await this.files.read(tenantId, attachment.id, attachment.fileKey);
    return { attachment: toAttachmentView(attachment), content };
  }
}
