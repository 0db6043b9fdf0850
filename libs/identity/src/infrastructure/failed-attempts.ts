import type { DomainEvent, UnitOfWork } from '#kernel';
import { countFailure, type LockoutSettings } from '../domain/lockout.js';
import type { User } from '../domain/user.entity.js';
import { AccountLockedEvent } from '../events/identity.events.js';

const ANONYMOUS = { type: 'system', id: 'anonymous', roles: [] } as const;

/**
 * Counts a failed credential check (password, one-time code or recovery code), locks the
 * account at the threshold, audits both and saves the user. Every kind of failure shares one
 * counter, so switching between guessing passwords and codes gains nothing.
 */
export async function recordFailedAttempt(
  unitOfWork: UnitOfWork,
  user: User,
  settings: LockoutSettings,
  failure: (failedLogins: number) => DomainEvent,
): Promise<void> {
  const lockedUntil = countFailure(user, settings, new Date());
  await unitOfWork.emit(failure(lockedUntil ? settings.lockoutThreshold : user.failedLogins));
  if (lockedUntil) {
    await unitOfWork.emit(
      new AccountLockedEvent(user.tenantId, ANONYMOUS, user.id, {
        new: { lockedUntil: lockedUntil.toISOString() },
      }),
    );
  }
  await unitOfWork.manager.save(user);
}
