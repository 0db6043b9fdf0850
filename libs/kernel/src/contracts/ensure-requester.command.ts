import { Command } from '@nestjs/cqrs';
import type { Actor } from '../context/request-context.js';

/** The requester's account: its id, and whether this command created it. */
export interface EnsureRequesterResult {
  userId: string;
  created: boolean;
}

/**
 * Finds the user of `tenantId` with this e-mail address, or creates a Customer for it. A created
 * account is active but has no password, so it cannot sign in until a password reset sets one.
 * The identity context handles it. Intake routes use it to attach a ticket to its requester.
 */
export class EnsureRequesterCommand extends Command<EnsureRequesterResult> {
  constructor(
    readonly tenantId: string,
    readonly actor: Actor,
    readonly input: { email: string; displayName?: string },
  ) {
    super();
  }
}
