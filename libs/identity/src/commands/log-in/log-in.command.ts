import { Command } from '@nestjs/cqrs';
import type { EnrolmentSession, TokenPair } from '../../infrastructure/token-service.js';
import type { SecondFactorInput } from '../../infrastructure/second-factor.js';

/** A full session, or an enrolment-only one when the tenant makes two-factor sign-in mandatory. */
export type LoginResult = TokenPair | EnrolmentSession;

export class LogInCommand extends Command<LoginResult> {
  constructor(
    readonly tenantId: string,
    readonly email: string,
    readonly password: string,
    readonly secondFactor: SecondFactorInput = {},
  ) {
    super();
  }
}
