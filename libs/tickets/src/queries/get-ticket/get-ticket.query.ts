import { Query } from '@nestjs/cqrs';
import type { Principal } from '#kernel';
import type { TicketView } from '../../domain/ticket.view.js';

export class GetTicketQuery extends Query<TicketView> {
  constructor(
    readonly principal: Principal,
    readonly ticketId: string,
  ) {
    super();
  }
}
