import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { IsNull } from 'typeorm';
import { TenantDatabase, type Actor } from '#kernel';
import { IdentityException } from '../../domain/identity.exception.js';
import { RefreshToken } from '../../domain/refresh-token.entity.js';
import { User } from '../../domain/user.entity.js';
import { RefreshTokenReusedEvent, SessionRefreshedEvent } from '../../events/identity.events.js';
import { TokenService, hashOpaqueToken, type TokenPair } from '../../infrastructure/token-service.js';
import { TwoFactorPolicy, hasMandatoryTwoFactorRole } from '../../infrastructure/two-factor-policy.js';
import { RefreshSessionCommand } from './refresh-session.command.js';

/**
 * Rotates a refresh token: the presented one is marked used and a new pair is issued in the same
 * family. A token presented a second time means it was copied, so the whole family is revoked
 * and the user's token version bumped, which ends every session of that user. A user whom the
 * tenant requires to use two-factor sign-in, and who has not enrolled, must sign in again.
 */
@CommandHandler(RefreshSessionCommand)
export class RefreshSessionHandler implements ICommandHandler<RefreshSessionCommand> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly tokens: TokenService,
    private readonly policy: TwoFactorPolicy,
  ) {}

  async execute({ tenantId, refreshToken }: RefreshSessionCommand): Promise<TokenPair> {
    const tokenHash = hashOpaqueToken(refreshToken);
    const tenantRequiresTwoFactor = await this.policy.tenantRequiresTwoFactor(tenantId);
    const outcome = await this.database.write(tenantId, async (unitOfWork) => {
      const manager = unitOfWork.manager;
      const stored = await manager.findOne(RefreshToken, { where: { tenantId, tokenHash } });
      if (!stored) return null;
      const user = await manager.findOne(User, { where: { tenantId, id: stored.userId } });
      if (!user || user.status !== 'active') return null;
      const actor: Actor = { type: 'user', id: user.id, roles: user.roles };
      const now = new Date();

      // Only a token that was already rotated proves a copy. A token revoked by logout, a password
      // change or an earlier reuse is merely stale, and must not end the sessions opened since.
      if (stored.usedAt) {
        await manager.update(
          RefreshToken,
          { tenantId, familyId: stored.familyId, revokedAt: IsNull() },
          { revokedAt: now },
        );
        user.tokenVersion += 1;
        await manager.save(user);
        await unitOfWork.emit(
          new RefreshTokenReusedEvent(tenantId, actor, user.id, { new: { familyId: stored.familyId } }),
        );
        return null;
      }
      if (stored.revokedAt || stored.expiresAt <= now) return null;
      if (tenantRequiresTwoFactor && hasMandatoryTwoFactorRole(user.roles) && !user.twoFactorEnabledAt) {
        return null;
      }

      stored.usedAt = now;
      await manager.save(stored);
      const pair = await this.tokens.issue(manager, user, stored.familyId);
      await unitOfWork.emit(new SessionRefreshedEvent(tenantId, actor, user.id, { new: { familyId: stored.familyId } }));
      return pair;
    });
    if (!outcome) throw IdentityException.unauthenticated('The refresh token is invalid or expired');
    return outcome;
  }
}
