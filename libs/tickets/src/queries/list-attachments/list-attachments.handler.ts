import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TenantDatabase } from '#kernel';
import { TicketAttachment } from '../../domain/attachment.entity.js';
import { toAttachmentView, type AttachmentView } from '../../domain/attachment.view.js';
import { findVisibleTicket, seesInternalComments } from '../../domain/ticket-access.js';
import { ListAttachmentsQuery } from './list-attachments.query.js';

/** Caps the list; a ticket with more attachments than this is unusual for a helpdesk. */
const MAX_LISTED = 500;

@QueryHandler(ListAttachmentsQuery)
export class ListAttachmentsHandler implements IQueryHandler<ListAttachmentsQuery> {
  constructor(private readonly database: TenantDatabase) {}

  async execute({ principal, ticketId }: ListAttachmentsQuery): Promise<{ data: AttachmentView[] }> {
    const tenantId = principal.tenantId;
    const rows = await this.database.read(tenantId, async (manager) => {
      await findVisibleTicket(manager, principal, ticketId);
      return manager.find(TicketAttachment, {
        select: {
          tenantId: true,
          id: true,
          ticketId: true,
          uploaderId: true,
          fileName: true,
          contentType: true,
          size: true,
          sha256: true,
          internal: true,
          createdAt: true,
        },
        where: { tenantId, ticketId, ...(seesInternalComments(principal) ? {} : { internal: false }) },
        order: { createdAt: 'ASC', id: 'ASC' },
        take: MAX_LISTED,
      });
    });
    return { data: rows.map(toAttachmentView) };
  }
}
