import { Command } from '@nestjs/cqrs';
import type { Principal, ExpectedVersion } from '#kernel';
import type { TicketView } from '../../domain/ticket.view.js';

export class TransitionTicketCommand extends Command<TicketView> {
  constructor(
    readonly principal: Principal,
    readonly ticketId: string,
    readonly to: string,
    readonly expectedVersion?: ExpectedVersion,
  ) {
    super();
  }
}
