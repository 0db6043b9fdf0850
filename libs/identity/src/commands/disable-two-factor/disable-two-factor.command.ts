import { Command } from '@nestjs/cqrs';
import type { Actor } from '#kernel';

/** Turns two-factor sign-in off after checking `code`, a current TOTP code or an unused recovery code. */
export class DisableTwoFactorCommand extends Command<void> {
  constructor(
    readonly tenantId: string,
    readonly actor: Actor,
    readonly code: string,
  ) {
    super();
  }
}
