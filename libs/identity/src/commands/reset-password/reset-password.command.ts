import { Command } from '@nestjs/cqrs';

/** Sets a new password with a reset token from e-mail and ends every session of the account. */
export class ResetPasswordCommand extends Command<void> {
  constructor(
    readonly tenantId: string,
    readonly token: string,
    readonly newPassword: string,
  ) {
    super();
  }
}
