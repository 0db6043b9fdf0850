import { Command } from '@nestjs/cqrs';
import type { Actor } from '../context/request-context.js';

/** The requester's account: its id, and whether this command created it. */
export interface EnsureRequesterResult {
  userId: string;
  created: boolean;
}

export interface EnsureRequesterInput {
  email: string;
  displayName?: string;
  /**
   * When true, an existing account whose roles are not exactly `Customer` is rejected with a 409
   * problem naming `email` (rule `requester_not_customer`), so a caller cannot file tickets in
   * the name of an agent or admin.
   */
  customersOnly?: boolean;
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
    readonly input: EnsureRequesterInput,
  ) {
    super();
  }
}
