import { Command } from '@nestjs/cqrs';
import type { Actor } from '#kernel';

/** Confirms enrolment with a code from the pending secret and returns the recovery codes, shown once. */
export class EnableTwoFactorCommand extends Command<{ recoveryCodes: string[] }> {
  constructor(
    readonly tenantId: string,
    readonly actor: Actor,
    readonly code: string,
  ) {
    super();
  }
}
