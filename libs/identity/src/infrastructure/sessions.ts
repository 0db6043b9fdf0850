import { IsNull, type EntityManager } from 'typeorm';
import { RefreshToken } from '../domain/refresh-token.entity.js';
import type { User } from '../domain/user.entity.js';

/**
 * Ends every session of `user`: bumps the token version, which every access token must match,
 * and revokes every refresh token. The caller saves `user` in the same transaction.
 */
export async function endAllSessions(manager: EntityManager, user: User): Promise<void> {
  user.tokenVersion += 1;
  await manager.update(
    RefreshToken,
    { tenantId: user.tenantId, userId: user.id, revokedAt: IsNull() },
    { revokedAt: new Date() },
  );
}
