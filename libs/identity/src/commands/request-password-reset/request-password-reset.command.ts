import { Command } from '@nestjs/cqrs';

/** Sends a reset token to the address when it belongs to an active account, revealing nothing either way. */
export class RequestPasswordResetCommand extends Command<void> {
  constructor(
    readonly tenantId: string,
    readonly email: string,
  ) {
    super();
  }
}
