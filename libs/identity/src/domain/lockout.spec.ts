import { describe, expect, it } from '@jest/globals';
import { countFailure, isLocked } from './lockout.js';

const settings = { lockoutThreshold: 3, lockoutMinutes: 15 };
const now = new Date('2026-12-04T10:00:00Z');

describe('lockout', () => {
  it('locks on the threshold failure', () => {
    const user = { failedLogins: 0, lockedUntil: null as Date | null };
    expect(countFailure(user, settings, now)).toBeNull();
    expect(countFailure(user, settings, now)).toBeNull();
    const lockedUntil = countFailure(user, settings, now);
    expect(lockedUntil?.toISOString()).toBe('2026-12-04T10:15:00.000Z');
    expect(user.failedLogins).toBe(0);
    expect(isLocked(user, now)).toBe(true);
  });

  it('treats an elapsed lock as unlocked', () => {
    const user = { lockedUntil: new Date('2026-12-04T09:59:59Z') };
    expect(isLocked(user, now)).toBe(false);
  });

  it('treats no lock as unlocked', () => {
    expect(isLocked({ lockedUntil: null }, now)).toBe(false);
  });
});
