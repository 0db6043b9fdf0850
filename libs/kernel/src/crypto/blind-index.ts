import { createHmac, hkdfSync } from 'node:crypto';

import { KEY_LENGTH } from './aes-gcm.js';
import { assertEntityId } from './key-ids.js';

/**
 * Normalisation applied before hashing. `trim-lowercase` (the default) trims white space,
 * applies Unicode NFC and lower-cases, as e-mail lookups need. `none` hashes the exact string.
 */
export type BlindIndexNormalization = 'trim-lowercase' | 'none';

export interface BlindIndexOptions {
  normalization?: BlindIndexNormalization;
}

const BLIND_INDEX_SALT = Buffer.from('ticket-masala/blind-index/v1', 'utf8');

/**
 * Computes a keyed blind index, HMAC-SHA256 encoded as base64url, for equality lookups on an
 * encrypted column.
 *
 * `context` names the column (for example `users.email`), so equal values in two columns get
 * different indexes. Use a key from `deriveBlindIndexKey`, which differs per tenant.
 */
export function blindIndex(
  value: string,
  key: Buffer,
  context: string,
  options: BlindIndexOptions = {},
): string {
  if (key.length < KEY_LENGTH) {
    throw new RangeError(
      `Blind index key must be at least ${KEY_LENGTH} bytes, got ${key.length}.`,
    );
  }
  if (context === '') {
    throw new RangeError('Blind index context must not be empty: pass the column name.');
  }
  const normalized = normalizeForBlindIndex(value, options.normalization ?? 'trim-lowercase');

  // The context length goes first, so that no (context, value) pair can produce the HMAC input
  // of another pair.
  const contextBytes = Buffer.from(context, 'utf8');
  const contextLength = Buffer.alloc(4);
  contextLength.writeUInt32BE(contextBytes.length);
  return createHmac('sha256', key)
    .update(contextLength)
    .update(contextBytes)
    .update(normalized, 'utf8')
    .digest('base64url');
}

export function normalizeForBlindIndex(
  value: string,
  normalization: BlindIndexNormalization,
): string {
  return normalization === 'none' ? value : value.trim().normalize('NFC').toLowerCase();
}

/**
 * Derives a tenant's 32-byte blind index key from the master key with HKDF-SHA256, so equal
 * e-mail addresses in two tenants get different index values.
 *
 * NOTE: the key follows the master key, not the tenant data key versions. Changing the master key
 * changes every index, so the indexes must then be recomputed.
 */
export function deriveBlindIndexKey(masterKey: Buffer, tenantId: string): Buffer {
  assertEntityId('tenant', tenantId);
  const info = Buffer.from(`tenant:${tenantId}`, 'utf8');
  return Buffer.from(hkdfSync('sha256', masterKey, BLIND_INDEX_SALT, info, KEY_LENGTH));
}
