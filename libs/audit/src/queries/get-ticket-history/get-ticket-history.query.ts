import { Query } from '@nestjs/cqrs';
import type { Page, Principal } from '#kernel';
import type { TicketHistoryEntry } from '../../domain/ticket-history-entry.view.js';

export class GetTicketHistoryQuery extends Query<Page<TicketHistoryEntry>> {
  constructor(
    readonly principal: Principal,
    readonly ticketId: string,
    readonly limit: number,
    readonly cursor?: string,
  ) {
    super();
  }
}
