import { Command } from '@nestjs/cqrs';
import type { Actor } from '#kernel';
import type { InvitationResult } from '../invite-user/invite-user.command.js';

/** Sends a new invitation token to an `invited` account, which retires the earlier token. */
export class ResendInvitationCommand extends Command<InvitationResult> {
  constructor(
    readonly tenantId: string,
    readonly actor: Actor,
    readonly userId: string,
  ) {
    super();
  }
}
