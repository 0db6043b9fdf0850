import { createHash, randomBytes } from 'node:crypto';

const KEY_PREFIX = 'mak_';
/** `mak_` and 43 base64url characters (32 random bytes). */
const KEY_PATTERN = /^mak_[A-Za-z0-9_-]{43}$/;
const DISPLAY_PREFIX_LENGTH = 12;

/** Permissions that no role grants but that an Admin with `api_keys.manage` may give a key. */
export const MACHINE_PERMISSIONS: readonly string[] = ['intake'];

export function generateApiKey(): { key: string; prefix: string } {
  const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, DISPLAY_PREFIX_LENGTH) };
}

export function isWellFormedApiKey(value: string): boolean {
  return KEY_PATTERN.test(value);
}

/** SHA-256 is enough here: the key has 256 random bits, so it cannot be guessed from its hash. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
