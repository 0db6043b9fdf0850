import type { ApiKey } from './api-key.entity.js';
import { MACHINE_PERMISSIONS } from './api-key-secret.js';

/** Maximum number of keys above a key in its creation chain (a key created with a key, and so on). */
export const MAX_KEY_CHAIN_LENGTH = 3;

/** Checks that the key is neither revoked nor expired. */
export function isKeyLive(key: ApiKey, now: Date): boolean {
  return key.revokedAt === null && (key.expiresAt === null || key.expiresAt > now);
}

/**
 * Checks whether a holder of `holderPermissions` may put `permission` on a key. The holder may
 * grant what it has, and machine-only permissions (such as `intake`) while it may manage keys.
 */
export function mayGrant(permission: string, holderPermissions: ReadonlySet<string>): boolean {
  if (holderPermissions.has(permission)) return true;
  return MACHINE_PERMISSIONS.includes(permission) && holderPermissions.has('api_keys.manage');
}

/**
 * Computes the permissions a key grants now: those of its own that its creating user could still
 * grant, so a key never carries more than that user's current roles allow.
 */
export function effectiveKeyPermissions(key: ApiKey, creatorPermissions: ReadonlySet<string>): Set<string> {
  return new Set(key.permissions.filter((permission) => mayGrant(permission, creatorPermissions)));
}
