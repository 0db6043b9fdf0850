import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { MASALA_SETTINGS, TenantDatabase, type Actor, type MasalaSettings, type UnitOfWork } from '#kernel';
import { IdentityException } from '../../domain/identity.exception.js';
import { isLocked } from '../../domain/lockout.js';
import { User } from '../../domain/user.entity.js';
import {
  AccountUnlockedEvent,
  LoginFailedEvent,
  LoginSucceededEvent,
  RecoveryCodeUsedEvent,
  TwoFactorFailedEvent,
  UnknownAccountLoginFailedEvent,
} from '../../events/identity.events.js';
import { EmailIndex } from '../../infrastructure/email-index.js';
import { recordFailedAttempt } from '../../infrastructure/failed-attempts.js';
import { PasswordHasher } from '../../infrastructure/password-hasher.js';
import { SecondFactor, type SecondFactorInput } from '../../infrastructure/second-factor.js';
import { TokenService } from '../../infrastructure/token-service.js';
import { TwoFactorPolicy } from '../../infrastructure/two-factor-policy.js';
import { LogInCommand, type LoginResult } from './log-in.command.js';

const ANONYMOUS: Actor = { type: 'system', id: 'anonymous', roles: [] };

type Outcome = LoginResult | 'failed' | 'two_factor_required';

/**
 * Checks credentials with lockout. Whether the account is missing, in another tenant, disabled,
 * locked or the password wrong, the client gets the same 401, and every outcome is audited.
 * Only after a correct password does a missing one-time code get its own error type.
 */
@CommandHandler(LogInCommand)
export class LogInHandler implements ICommandHandler<LogInCommand> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly hasher: PasswordHasher,
    private readonly emailIndex: EmailIndex,
    private readonly tokens: TokenService,
    private readonly secondFactor: SecondFactor,
    private readonly policy: TwoFactorPolicy,
    @Inject(MASALA_SETTINGS) private readonly settings: MasalaSettings,
  ) {}

  async execute({ tenantId, email, password, secondFactor }: LogInCommand): Promise<LoginResult> {
    const emailLookup = this.emailIndex.lookupKey(tenantId, email);
    const found = await this.database.read(tenantId, (manager) =>
      manager.findOne(User, { where: { tenantId, emailLookup } }),
    );
    // The hash is verified even for a locked or missing account, so timing reveals nothing.
    const passwordOk = await this.hasher.verify(found?.passwordHash ?? null, password);
    const mustEnrol =
      found !== null && passwordOk && found.twoFactorEnabledAt === null
        ? await this.policy.isMandatory(tenantId, found.roles)
        : false;

    const outcome = await this.database.write(tenantId, (unitOfWork) =>
      found
        ? this.decide(unitOfWork, found.id, passwordOk, secondFactor, mustEnrol)
        : this.rejectUnknown(unitOfWork),
    );
    if (outcome === 'failed') throw IdentityException.invalidCredentials();
    if (outcome === 'two_factor_required') throw IdentityException.twoFactorRequired();
    return outcome;
  }

  private async rejectUnknown(unitOfWork: UnitOfWork): Promise<Outcome> {
    await unitOfWork.emit(new UnknownAccountLoginFailedEvent(unitOfWork.tenantId, ANONYMOUS));
    return 'failed';
  }

  private async decide(
    unitOfWork: UnitOfWork,
    userId: string,
    passwordOk: boolean,
    offered: SecondFactorInput,
    mustEnrol: boolean,
  ): Promise<Outcome> {
    const { manager, tenantId } = unitOfWork;
    const user = await manager.findOneOrFail(User, { where: { tenantId, id: userId } });
    const actor: Actor = { type: 'user', id: user.id, roles: user.roles };
    const now = new Date();

    if (user.status !== 'active' || isLocked(user, now)) {
      const reason = user.status !== 'active' ? user.status : 'locked';
      await unitOfWork.emit(new LoginFailedEvent(tenantId, actor, user.id, { new: { reason } }));
      return 'failed';
    }
    if (user.lockedUntil) {
      user.lockedUntil = null;
      user.failedLogins = 0;
      await unitOfWork.emit(new AccountUnlockedEvent(tenantId, ANONYMOUS, user.id, { new: { reason: 'expired' } }));
    }
    if (!passwordOk) {
      await recordFailedAttempt(unitOfWork, user, this.settings, (failedLogins) =>
        new LoginFailedEvent(tenantId, actor, user.id, { new: { reason: 'wrong_password', failedLogins } }),
      );
      return 'failed';
    }

    let method = 'password';
    if (user.twoFactorEnabledAt) {
      if (offered.otp === undefined && offered.recoveryCode === undefined) {
        await manager.save(user);
        return 'two_factor_required';
      }
      const check = await this.secondFactor.verify(manager, user, offered);
      if (!check.valid) {
        await recordFailedAttempt(unitOfWork, user, this.settings, (failedLogins) =>
          new TwoFactorFailedEvent(tenantId, actor, user.id, { new: { reason: 'login', failedLogins } }),
        );
        return 'failed';
      }
      method = check.method === 'otp' ? 'password+totp' : 'password+recovery_code';
      if (check.method === 'recovery_code') {
        await unitOfWork.emit(new RecoveryCodeUsedEvent(tenantId, actor, user.id, { new: { remaining: check.remaining } }));
      }
    }

    user.failedLogins = 0;
    await manager.save(user);
    const session = mustEnrol
      ? await this.tokens.issueEnrolmentSession(user)
      : await this.tokens.issue(manager, user, crypto.randomUUID());
    const scope = mustEnrol ? { scope: 'two_factor_enrolment' } : {};
    await unitOfWork.emit(new LoginSucceededEvent(tenantId, actor, user.id, { new: { method, ...scope } }));
    return session;
  }
}
