import { Command } from '@nestjs/cqrs';
import type { Actor } from '#kernel';
import type { User } from '../../domain/user.entity.js';

export interface InvitationResult {
  user: User;
  /** False when the mail port failed, in which case the invitation can be sent again. */
  invitationSent: boolean;
}

/** Creates an `invited` account without a password and e-mails it a single-use invitation token. */
export class InviteUserCommand extends Command<InvitationResult> {
  constructor(
    readonly tenantId: string,
    readonly actor: Actor,
    readonly input: { email: string; displayName?: string; roles: string[] },
  ) {
    super();
  }
}
