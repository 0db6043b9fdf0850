import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { MASALA_SETTINGS, TenantDatabase, type MasalaSettings } from '#kernel';
import { IdentityException } from '../../domain/identity.exception.js';
import { isLocked } from '../../domain/lockout.js';
import { User } from '../../domain/user.entity.js';
import { TwoFactorEnabledEvent, TwoFactorFailedEvent } from '../../events/identity.events.js';
import { recordFailedAttempt } from '../../infrastructure/failed-attempts.js';
import { SecondFactor } from '../../infrastructure/second-factor.js';
import { endAllSessions } from '../../infrastructure/sessions.js';
import { EnableTwoFactorCommand } from './enable-two-factor.command.js';

/**
 * Activates the pending TOTP secret when the code matches, creates ten recovery codes and ends
 * every session, so the next sign-in uses the second factor. A wrong code counts toward the lockout.
 */
@CommandHandler(EnableTwoFactorCommand)
export class EnableTwoFactorHandler implements ICommandHandler<EnableTwoFactorCommand> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly secondFactor: SecondFactor,
    @Inject(MASALA_SETTINGS) private readonly settings: MasalaSettings,
  ) {}

  async execute({ tenantId, actor, code }: EnableTwoFactorCommand): Promise<{ recoveryCodes: string[] }> {
    const recoveryCodes = await this.database.write(tenantId, async (unitOfWork) => {
      const manager = unitOfWork.manager;
      const user = await manager.findOneOrFail(User, { where: { tenantId, id: actor.id } });
      if (user.twoFactorEnabledAt) throw IdentityException.conflict('Two-factor sign-in is already enabled');
      if (!user.twoFactorPendingSecret) {
        throw IdentityException.conflict('No enrolment is in progress; start with POST /api/v1/auth/2fa/setup');
      }
      const valid = !isLocked(user, new Date()) && (await this.secondFactor.acceptOtp(user, code, user.twoFactorPendingSecret));
      if (!valid) {
        await recordFailedAttempt(unitOfWork, user, this.settings, (failedLogins) =>
          new TwoFactorFailedEvent(tenantId, actor, user.id, { new: { reason: 'enable', failedLogins } }),
        );
        return null;
      }

      user.twoFactorSecret = user.twoFactorPendingSecret;
      user.twoFactorPendingSecret = null;
      user.twoFactorEnabledAt = new Date();
      user.failedLogins = 0;
      const codes = await this.secondFactor.replaceRecoveryCodes(manager, user);
      await endAllSessions(manager, user);
      await manager.save(user);
      await unitOfWork.emit(new TwoFactorEnabledEvent(tenantId, actor, user.id, { new: { method: 'totp', codes: codes.length } }));
      return codes;
    });
    if (!recoveryCodes) throw IdentityException.invalidCode();
    return { recoveryCodes };
  }
}
