import { Command } from '@nestjs/cqrs';
import type { Principal, ExpectedVersion } from '#kernel';

/** Soft-deletes a ticket: it disappears from every read but stays in the database and audit trail. */
export class DeleteTicketCommand extends Command<void> {
  constructor(
    readonly principal: Principal,
    readonly ticketId: string,
    readonly expectedVersion?: ExpectedVersion,
  ) {
    super();
  }
}
