import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TenantDatabase } from '#kernel';
import { IdentityException } from '../../domain/identity.exception.js';
import { User } from '../../domain/user.entity.js';
import { UserInvitedEvent } from '../../events/identity.events.js';
import { Mailer } from '../../infrastructure/mail/mailer.js';
import { invitationMessage } from '../../infrastructure/mail/messages.js';
import { OneTimeTokens } from '../../infrastructure/one-time-tokens.js';
import { TenantNames } from '../../infrastructure/tenant-names.js';
import type { InvitationResult } from '../invite-user/invite-user.command.js';
import { ResendInvitationCommand } from './resend-invitation.command.js';

@CommandHandler(ResendInvitationCommand)
export class ResendInvitationHandler implements ICommandHandler<ResendInvitationCommand> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly tokens: OneTimeTokens,
    private readonly mailer: Mailer,
    private readonly tenants: TenantNames,
  ) {}

  async execute({ tenantId, actor, userId }: ResendInvitationCommand): Promise<InvitationResult> {
    const { user, issued } = await this.database.write(tenantId, async (unitOfWork) => {
      const manager = unitOfWork.manager;
      const user = await manager.findOne(User, { where: { tenantId, id: userId } });
      if (!user) throw IdentityException.userNotFound();
      if (user.status !== 'invited') {
        throw IdentityException.conflict(`The user is ${user.status}, not invited; only invited users get invitations`);
      }
      const issued = await this.tokens.issue(manager, tenantId, user.id, 'invitation');
      await unitOfWork.emit(new UserInvitedEvent(tenantId, actor, user.id, { new: { resent: true } }));
      return { user, issued };
    });

    const message = invitationMessage(user, issued, await this.tenants.nameOf(tenantId));
    return { user, invitationSent: await this.mailer.send(message) };
  }
}
