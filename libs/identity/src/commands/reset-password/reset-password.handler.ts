import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { MasalaException, TenantDatabase, type Actor } from '#kernel';
import { IdentityException } from '../../domain/identity.exception.js';
import { validatePassword } from '../../domain/password-policy.js';
import { User } from '../../domain/user.entity.js';
import { AccountUnlockedEvent, PasswordResetCompletedEvent } from '../../events/identity.events.js';
import { OneTimeTokens } from '../../infrastructure/one-time-tokens.js';
import { PasswordHasher } from '../../infrastructure/password-hasher.js';
import { endAllSessions } from '../../infrastructure/sessions.js';
import { ResetPasswordCommand } from './reset-password.command.js';

/** Redeems the token, sets the password, lifts a lockout (the mailbox proved the owner) and ends every session. */
@CommandHandler(ResetPasswordCommand)
export class ResetPasswordHandler implements ICommandHandler<ResetPasswordCommand> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly tokens: OneTimeTokens,
    private readonly hasher: PasswordHasher,
  ) {}

  async execute({ tenantId, token, newPassword }: ResetPasswordCommand): Promise<void> {
    const errors = validatePassword(newPassword, 'newPassword');
    if (errors.length > 0) throw MasalaException.validation(errors);
    const passwordHash = await this.hasher.hash(newPassword);

    const done = await this.database.write(tenantId, async (unitOfWork) => {
      const manager = unitOfWork.manager;
      const userId = await this.tokens.redeem(manager, tenantId, 'password_reset', token);
      const user = userId ? await manager.findOne(User, { where: { tenantId, id: userId } }) : null;
      if (!user || user.status !== 'active') return false;
      const actor: Actor = { type: 'user', id: user.id, roles: user.roles };

      if (user.lockedUntil !== null) {
        await unitOfWork.emit(new AccountUnlockedEvent(tenantId, actor, user.id, { new: { reason: 'password_reset' } }));
      }
      user.passwordHash = passwordHash;
      user.failedLogins = 0;
      user.lockedUntil = null;
      await endAllSessions(manager, user);
      await manager.save(user);
      await unitOfWork.emit(new PasswordResetCompletedEvent(tenantId, actor, user.id));
      return true;
    });
    if (!done) throw IdentityException.invalidToken();
  }
}
