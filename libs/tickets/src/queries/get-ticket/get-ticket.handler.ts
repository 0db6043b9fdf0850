import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TenantDatabase } from '#kernel';
import { findVisibleTicket, viewerOf } from '../../domain/ticket-access.js';
import { toTicketView, type TicketView } from '../../domain/ticket.view.js';
import { GetTicketQuery } from './get-ticket.query.js';

@QueryHandler(GetTicketQuery)
export class GetTicketHandler implements IQueryHandler<GetTicketQuery> {
  constructor(private readonly database: TenantDatabase) {}

  async execute({ principal, ticketId }: GetTicketQuery): Promise<TicketView> {
    const ticket = await this.database.read(principal.tenantId, (manager) =>
      findVisibleTicket(manager, principal, ticketId),
    );
    return toTicketView(ticket, viewerOf(principal));
  }
}
