import { Command } from '@nestjs/cqrs';
import type { Principal, ExpectedVersion } from '#kernel';
import type { TicketView } from '../../domain/ticket.view.js';

/** Assigns a ticket to an agent (the domain model's work handler), or unassigns it with null. */
export class AssignTicketCommand extends Command<TicketView> {
  constructor(
    readonly principal: Principal,
    readonly ticketId: string,
    readonly assigneeId: string | null,
    readonly expectedVersion?: ExpectedVersion,
  ) {
    super();
  }
}
