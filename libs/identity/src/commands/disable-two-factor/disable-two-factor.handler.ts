import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ErrorCode, MASALA_SETTINGS, MasalaException, TenantDatabase, type MasalaSettings } from '#kernel';
import { IdentityException } from '../../domain/identity.exception.js';
import { isLocked } from '../../domain/lockout.js';
import { User } from '../../domain/user.entity.js';
import { TwoFactorDisabledEvent, TwoFactorFailedEvent } from '../../events/identity.events.js';
import { recordFailedAttempt } from '../../infrastructure/failed-attempts.js';
import { SecondFactor, type SecondFactorInput } from '../../infrastructure/second-factor.js';
import { endAllSessions } from '../../infrastructure/sessions.js';
import { TwoFactorPolicy } from '../../infrastructure/two-factor-policy.js';
import { DisableTwoFactorCommand } from './disable-two-factor.command.js';

/** Reads six digits as a TOTP code and anything else as a recovery code. */
function toSecondFactor(code: string): SecondFactorInput {
  return /^\d{6}$/.test(code) ? { otp: code } : { recoveryCode: code };
}

/**
 * Removes the TOTP secret and the recovery codes after checking a code, and ends every session.
 * Rejected while the tenant makes two-factor sign-in mandatory for one of the caller's roles.
 */
@CommandHandler(DisableTwoFactorCommand)
export class DisableTwoFactorHandler implements ICommandHandler<DisableTwoFactorCommand> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly secondFactor: SecondFactor,
    private readonly policy: TwoFactorPolicy,
    @Inject(MASALA_SETTINGS) private readonly settings: MasalaSettings,
  ) {}

  async execute({ tenantId, actor, code }: DisableTwoFactorCommand): Promise<void> {
    if (await this.policy.isMandatory(tenantId, actor.roles)) {
      throw new MasalaException(
        ErrorCode.Forbidden,
        'Two-factor sign-in is mandatory for your role in this tenant and cannot be turned off',
      );
    }
    const disabled = await this.database.write(tenantId, async (unitOfWork) => {
      const manager = unitOfWork.manager;
      const user = await manager.findOneOrFail(User, { where: { tenantId, id: actor.id } });
      if (!user.twoFactorEnabledAt) throw IdentityException.conflict('Two-factor sign-in is not enabled');

      const offered = toSecondFactor(code);
      const check = isLocked(user, new Date()) ? { valid: false } : await this.secondFactor.verify(manager, user, offered);
      if (!check.valid) {
        await recordFailedAttempt(unitOfWork, user, this.settings, (failedLogins) =>
          new TwoFactorFailedEvent(tenantId, actor, user.id, { new: { reason: 'disable', failedLogins } }),
        );
        return false;
      }

      user.twoFactorSecret = null;
      user.twoFactorPendingSecret = null;
      user.twoFactorEnabledAt = null;
      user.twoFactorLastStep = null;
      user.failedLogins = 0;
      await this.secondFactor.removeRecoveryCodes(manager, user);
      await endAllSessions(manager, user);
      await manager.save(user);
      const method = offered.otp !== undefined ? 'totp' : 'recovery_code';
      await unitOfWork.emit(new TwoFactorDisabledEvent(tenantId, actor, user.id, { new: { method } }));
      return true;
    });
    if (!disabled) throw IdentityException.invalidCode();
  }
}
