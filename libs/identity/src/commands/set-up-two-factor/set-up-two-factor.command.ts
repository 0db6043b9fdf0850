import { Command } from '@nestjs/cqrs';
import type { Actor } from '#kernel';

export interface TwoFactorSetup {
  /** Base32 TOTP secret, shown once, for typing into an authenticator app. */
  secret: string;
  /** The same secret as an otpauth:// URI, for a QR code. */
  otpauthUri: string;
}

/** Starts TOTP enrolment with a new pending secret, which a code from it must then confirm. */
export class SetUpTwoFactorCommand extends Command<TwoFactorSetup> {
  constructor(
    readonly tenantId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
