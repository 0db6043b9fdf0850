import type { User } from './user.entity.js';

export interface LockoutSettings {
  lockoutThreshold: number;
  lockoutMinutes: number;
}

export function isLocked(user: Pick<User, 'lockedUntil'>, now: Date): boolean {
  return user.lockedUntil !== null && user.lockedUntil > now;
}

/**
 * Counts one failed credential check. Returns the end of the lock when this failure reaches the
 * threshold (the counter then restarts at zero), else null.
 */
export function countFailure(
  user: Pick<User, 'failedLogins' | 'lockedUntil'>,
  settings: LockoutSettings,
  now: Date,
): Date | null {
  user.failedLogins += 1;
  if (user.failedLogins < settings.lockoutThreshold) return null;
  user.lockedUntil = new Date(now.getTime() + settings.lockoutMinutes * 60_000);
  user.failedLogins = 0;
  return user.lockedUntil;
}
