import { Command } from '@nestjs/cqrs';
import type { Principal, ExpectedVersion } from '#kernel';
import type { TicketChanges } from '../../domain/ticket-changes.js';
import type { TicketView } from '../../domain/ticket.view.js';

export class UpdateTicketCommand extends Command<TicketView> {
  constructor(
    readonly principal: Principal,
    readonly ticketId: string,
    readonly changes: TicketChanges,
    /** The version the caller read; a different stored version fails with 412. Undefined for `If-Match: *`. */
    readonly expectedVersion: ExpectedVersion | undefined,
  ) {
    super();
  }
}
