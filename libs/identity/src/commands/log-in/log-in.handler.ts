import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { MASALA_SETTINGS, TenantDatabase, type Actor, type MasalaSettings } from '#kernel';
import { IdentityException } from '../../domain/identity.exception.js';
import { User } from '../../domain/user.entity.js';
import {
  AccountLockedEvent,
  AccountUnlockedEvent,
  LoginFailedEvent,
  LoginSucceededEvent,
  UnknownAccountLoginFailedEvent,
} from '../../events/identity.events.js';
import { EmailIndex } from '../../infrastructure/email-index.js';
import { PasswordHasher } from '../../infrastructure/password-hasher.js';
import { TokenService, type TokenPair } from '../../infrastructure/token-service.js';
import { LogInCommand } from './log-in.command.js';

const ANONYMOUS: Actor = { type: 'system', id: 'anonymous', roles: [] };

/**
 * Checks credentials with lockout. Every outcome answers the same 401 to the client, whether the
 * account is missing, disabled, locked or the password wrong, and every outcome is audited.
 */
@CommandHandler(LogInCommand)
export class LogInHandler implements ICommandHandler<LogInCommand> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly hasher: PasswordHasher,
    private readonly emailIndex: EmailIndex,
    private readonly tokens: TokenService,
    @Inject(MASALA_SETTINGS) private readonly settings: MasalaSettings,
  ) {}

  async execute({ tenantId, email, password }: LogInCommand): Promise<TokenPair> {
    const emailLookup = this.emailIndex.lookupKey(tenantId, email);
    const found = await this.database.read(tenantId, (manager) =>
      manager.findOne(User, { where: { tenantId, emailLookup } }),
    );
    // The hash is verified even for a locked or missing account, so timing reveals nothing.
    const passwordOk = await this.hasher.verify(found?.passwordHash ?? null, password);

    const outcome = await this.database.write(tenantId, async (unitOfWork) => {
      const manager = unitOfWork.manager;
      if (!found) {
        await unitOfWork.emit(new UnknownAccountLoginFailedEvent(tenantId, ANONYMOUS));
        return null;
      }
      const user = await manager.findOneOrFail(User, { where: { tenantId, id: found.id } });
      const actor: Actor = { type: 'user', id: user.id, roles: user.roles };
      const now = new Date();

      if (user.status !== 'active') {
        await unitOfWork.emit(new LoginFailedEvent(tenantId, actor, user.id, { new: { reason: user.status } }));
        return null;
      }
      if (user.lockedUntil && user.lockedUntil > now) {
        await unitOfWork.emit(new LoginFailedEvent(tenantId, actor, user.id, { new: { reason: 'locked' } }));
        return null;
      }
      if (user.lockedUntil) {
        user.lockedUntil = null;
        user.failedLogins = 0;
        await unitOfWork.emit(new AccountUnlockedEvent(tenantId, ANONYMOUS, user.id, { new: { reason: 'expired' } }));
      }

      if (!passwordOk) {
        user.failedLogins += 1;
        await unitOfWork.emit(
          new LoginFailedEvent(tenantId, actor, user.id, {
            new: { reason: 'wrong_password', failedLogins: user.failedLogins },
          }),
        );
        if (user.failedLogins >= this.settings.lockoutThreshold) {
          user.lockedUntil = new Date(now.getTime() + this.settings.lockoutMinutes * 60_000);
          user.failedLogins = 0;
          await unitOfWork.emit(
            new AccountLockedEvent(tenantId, ANONYMOUS, user.id, {
              new: { lockedUntil: user.lockedUntil.toISOString() },
            }),
          );
        }
        await manager.save(user);
        return null;
      }

      user.failedLogins = 0;
      await manager.save(user);
      const tokens = await this.tokens.issue(manager, user, crypto.randomUUID());
      await unitOfWork.emit(new LoginSucceededEvent(tenantId, actor, user.id));
      return tokens;
    });

    if (!outcome) throw IdentityException.invalidCredentials();
    return outcome;
  }
}
