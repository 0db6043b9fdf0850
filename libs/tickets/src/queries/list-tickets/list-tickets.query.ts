import { Query } from '@nestjs/cqrs';
import type { Page, Principal } from '#kernel';
import type { TicketView } from '../../domain/ticket.view.js';

export interface TicketFilters {
  status?: string;
  domainId?: string;
  typeCode?: string;
  assigneeId?: string;
  requesterId?: string;
  q?: string;
}

export class ListTicketsQuery extends Query<Page<TicketView>> {
  constructor(
    readonly principal: Principal,
    readonly filters: TicketFilters,
    readonly limit: number,
    readonly cursor?: string,
  ) {
    super();
  }
}
