import type { User, UserStatus } from './user.entity.js';

/** Field values of a new account; credentials and second factor start empty unless given. */
export function newUserFields(input: {
  tenantId: string;
  email: string;
  emailLookup: string;
  displayName?: string;
  roles: readonly string[];
  status: UserStatus;
  passwordHash: string | null;
}): Partial<User> {
  const now = new Date();
  return {
    tenantId: input.tenantId,
    id: crypto.randomUUID(),
    email: input.email,
    emailLookup: input.emailLookup,
    displayName: input.displayName?.trim() ?? '',
    passwordHash: input.passwordHash,
    roles: [...new Set(input.roles)],
    status: input.status,
    tokenVersion: 0,
    failedLogins: 0,
    lockedUntil: null,
    twoFactorSecret: null,
    twoFactorPendingSecret: null,
    twoFactorEnabledAt: null,
    twoFactorLastStep: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}
