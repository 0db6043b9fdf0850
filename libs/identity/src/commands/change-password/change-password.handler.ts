import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { MASALA_SETTINGS, MasalaException, TenantDatabase, type MasalaSettings } from '#kernel';
import { isLocked } from '../../domain/lockout.js';
import { validatePassword } from '../../domain/password-policy.js';
import { User } from '../../domain/user.entity.js';
import { PasswordChangeFailedEvent, PasswordChangedEvent } from '../../events/identity.events.js';
import { recordFailedAttempt } from '../../infrastructure/failed-attempts.js';
import { PasswordHasher } from '../../infrastructure/password-hasher.js';
import { endAllSessions } from '../../infrastructure/sessions.js';
import { TokenService, type TokenPair } from '../../infrastructure/token-service.js';
import { ChangePasswordCommand } from './change-password.command.js';

const WRONG_CURRENT = {
  field: 'currentPassword',
  rule: 'matches',
  message: 'currentPassword is not the current password',
};

/**
 * Checks the current password, sets the new one, ends every session and returns a new pair.
 * A wrong current password counts toward the lockout, and a locked account gets the same error.
 */
@CommandHandler(ChangePasswordCommand)
export class ChangePasswordHandler implements ICommandHandler<ChangePasswordCommand> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    @Inject(MASALA_SETTINGS) private readonly settings: MasalaSettings,
  ) {}

  async execute({ tenantId, actor, currentPassword, newPassword }: ChangePasswordCommand): Promise<TokenPair> {
    const policyErrors = validatePassword(newPassword, 'newPassword');
    if (policyErrors.length > 0) throw MasalaException.validation(policyErrors);
    if (newPassword === currentPassword) {
      throw MasalaException.validation([
        { field: 'newPassword', rule: 'changed', message: 'newPassword must differ from the current password' },
      ]);
    }

    const found = await this.database.read(tenantId, (manager) =>
      manager.findOneOrFail(User, { where: { tenantId, id: actor.id } }),
    );
    const currentOk = await this.hasher.verify(found.passwordHash, currentPassword);
    const newHash = currentOk ? await this.hasher.hash(newPassword) : null;

    const pair = await this.database.write(tenantId, async (unitOfWork) => {
      const manager = unitOfWork.manager;
      const user = await manager.findOneOrFail(User, { where: { tenantId, id: actor.id } });
      if (isLocked(user, new Date())) {
        await unitOfWork.emit(new PasswordChangeFailedEvent(tenantId, actor, user.id, { new: { reason: 'locked' } }));
        return null;
      }
      if (!newHash) {
        await recordFailedAttempt(unitOfWork, user, this.settings, (failedLogins) =>
          new PasswordChangeFailedEvent(tenantId, actor, user.id, { new: { reason: 'wrong_password', failedLogins } }),
        );
        return null;
      }
      user.passwordHash = newHash;
      user.failedLogins = 0;
      await endAllSessions(manager, user);
      await manager.save(user);
      await unitOfWork.emit(new PasswordChangedEvent(tenantId, actor, user.id));
      return this.tokens.issue(manager, user, crypto.randomUUID());
    });
    if (!pair) throw MasalaException.validation([WRONG_CURRENT], 'The current password is incorrect');
    return pair;
  }
}
