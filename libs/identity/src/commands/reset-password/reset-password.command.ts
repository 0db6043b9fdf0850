import { Command } from '@nestjs/cqrs';

/** Sets a new password with a reset token from e-mail; every session of the account ends. */
export class ResetPasswordCommand extends Command<void> {
  constructor(
    readonly tenantId: string,
    readonly token: string,
    readonly newPassword: string,
  ) {
    super();
  }
}
