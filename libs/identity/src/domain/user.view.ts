import type { User, UserStatus } from './user.entity.js';

/** A user account as the users API returns it; never credentials or second-factor secrets. */
export interface UserView {
  id: string;
  email: string;
  displayName: string;
  roles: string[];
  status: UserStatus;
  locked: boolean;
  lockedUntil: string | null;
  hasPassword: boolean;
  twoFactorEnabled: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export function toUserView(user: User, now = new Date()): UserView {
  const locked = user.lockedUntil !== null && user.lockedUntil > now;
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    roles: user.roles,
    status: user.status,
    locked,
    lockedUntil: locked ? user.lockedUntil!.toISOString() : null,
    hasPassword: user.passwordHash !== null,
    twoFactorEnabled: user.twoFactorEnabledAt !== null,
    version: user.version,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}
