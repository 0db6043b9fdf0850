import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { MasalaException, TenantDatabase } from '#kernel';
import { IdentityException } from '../../domain/identity.exception.js';
import { validatePassword } from '../../domain/password-policy.js';
import { User } from '../../domain/user.entity.js';
import { InvitationAcceptedEvent } from '../../events/identity.events.js';
import { OneTimeTokens } from '../../infrastructure/one-time-tokens.js';
import { PasswordHasher } from '../../infrastructure/password-hasher.js';
import { AcceptInvitationCommand } from './accept-invitation.command.js';

@CommandHandler(AcceptInvitationCommand)
export class AcceptInvitationHandler implements ICommandHandler<AcceptInvitationCommand> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly tokens: OneTimeTokens,
    private readonly hasher: PasswordHasher,
  ) {}

  async execute({ tenantId, token, password }: AcceptInvitationCommand): Promise<void> {
    const errors = validatePassword(password);
    if (errors.length > 0) throw MasalaException.validation(errors);
    const passwordHash = await this.hasher.hash(password);

    const accepted = await this.database.write(tenantId, async (unitOfWork) => {
      const manager = unitOfWork.manager;
      const userId = await this.tokens.redeem(manager, tenantId, 'invitation', token);
      const user = userId ? await manager.findOne(User, { where: { tenantId, id: userId } }) : null;
      if (!user || user.status !== 'invited') return false;

      user.passwordHash = passwordHash;
      user.status = 'active';
      user.failedLogins = 0;
      user.lockedUntil = null;
      await manager.save(user);
      const actor = { type: 'user' as const, id: user.id, roles: user.roles };
      await unitOfWork.emit(new InvitationAcceptedEvent(tenantId, actor, user.id, { new: { status: 'active' } }));
      return true;
    });
    if (!accepted) throw IdentityException.invalidToken();
  }
}
