import { Query } from '@nestjs/cqrs';
import type { Page, Principal } from '#kernel';
import type { TicketView } from '../../domain/ticket.view.js';
import type { TicketSort } from './ticket-sort.js';

export interface TicketFilters {
  status?: string;
  domainId?: string;
  typeCode?: string;
  assigneeId?: string;
  requesterId?: string;
  projectId?: string;
  tag?: string;
  /** true: open tickets past their due date; false: every other ticket. */
  overdue?: boolean;
  /** true: tickets without an assignee; false: assigned tickets. */
  unassigned?: boolean;
  dueBefore?: string;
  dueAfter?: string;
  /** Free text; every word must occur in the title, description or a public comment. */
  q?: string;
}

export class ListTicketsQuery extends Query<Page<TicketView>> {
  constructor(
    readonly principal: Principal,
    readonly filters: TicketFilters,
    readonly limit: number,
    readonly cursor?: string,
    readonly sort: TicketSort = { field: 'created', direction: 'desc' },
  ) {
    super();
  }
}
