import { Command } from '@nestjs/cqrs';

/** Activates an invited account with the password its owner chose. */
export class AcceptInvitationCommand extends Command<void> {
  constructor(
    readonly tenantId: string,
    readonly token: string,
    readonly password: string,
  ) {
    super();
  }
}
