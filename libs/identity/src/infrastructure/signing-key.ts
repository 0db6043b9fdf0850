import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { MasalaSettings } from '#kernel';

/**
 * Returns the HMAC key for access tokens: MASALA_JWT_SECRET when set, else a random 256-bit key
 * generated once in the data folder (mode 0600), so an isolated instance keeps its own key.
 */
export function loadTokenSigningKey(settings: MasalaSettings): { key: Buffer; generated: boolean } {
  if (settings.jwtSecret) {
    if (Buffer.byteLength(settings.jwtSecret) < 32) {
      throw new Error('MASALA_JWT_SECRET is too short: use at least 32 bytes of random data');
    }
    return { key: Buffer.from(settings.jwtSecret), generated: false };
  }
  const file = join(settings.dataDir, 'keys', 'token-signing.key');
  if (existsSync(file)) return { key: Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'), generated: false };
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return { key: Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'), generated: true };
}
