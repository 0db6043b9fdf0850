import { fieldContext, type EncryptedColumnTransformer } from './encrypted-column.js';
import { envelopeKeyId, isEncryptedEnvelope } from './field-envelope.js';
import type { FieldEncryption } from './field-encryption.js';

/** Result of re-encrypting one stored value. */
export interface ReencryptedValue {
  value: unknown;
  changed: boolean;
}

/**
 * Re-encrypts one value as stored in the database (an envelope string, a JSON text or legacy
 * plaintext) under the tenant's active data key. Values under a data subject key are left alone,
 * because rotating them would undo crypto-shredding; retiring a data key rewraps subject keys
 * instead.
 */
export function reencryptStoredValue(
  stored: unknown,
  transformer: EncryptedColumnTransformer,
  tenantId: string,
  encryption: FieldEncryption,
): ReencryptedValue {
  if (stored === null || stored === undefined || typeof stored !== 'string' || stored === '') {
    return { value: stored, changed: false };
  }
  const activeKeyId = encryption.activeKeyId(tenantId);
  switch (transformer.format) {
    case 'text': {
      const value = reencryptText(stored, transformer.context, tenantId, activeKeyId, encryption);
      return { value, changed: value !== stored };
    }
    case 'json': {
      const parsed = JSON.parse(stored) as unknown;
      const envelope = isEncryptedEnvelope(parsed)
        ? reencryptText(parsed, transformer.context, tenantId, activeKeyId, encryption)
        : encryption.encrypt(tenantId, transformer.context, JSON.stringify(parsed));
      return envelope === parsed
        ? { value: stored, changed: false }
        : { value: JSON.stringify(envelope), changed: true };
    }
    case 'json-fields':
      return reencryptFields(stored, transformer, tenantId, activeKeyId, encryption);
  }
}

/** Returns whether a stored value still needs re-encryption under the active key. */
export function isOutdated(
  stored: unknown,
  transformer: EncryptedColumnTransformer,
  tenantId: string,
  encryption: FieldEncryption,
): boolean {
  return reencryptStoredValue(stored, transformer, tenantId, encryption).changed;
}

function reencryptText(
  stored: string,
  context: string,
  tenantId: string,
  activeKeyId: string,
  encryption: FieldEncryption,
): string {
  if (!isEncryptedEnvelope(stored)) return encryption.encrypt(tenantId, context, stored);
  const keyId = envelopeKeyId(stored);
  if (keyId === activeKeyId || !keyId.startsWith('dek.')) return stored;
  return encryption.encrypt(tenantId, context, encryption.decrypt(stored, context, tenantId));
}

function reencryptFields(
  stored: string,
  transformer: EncryptedColumnTransformer,
  tenantId: string,
  activeKeyId: string,
  encryption: FieldEncryption,
): ReencryptedValue {
  const parsed = JSON.parse(stored) as unknown;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { value: stored, changed: false };
  }
  const sensitive = encryption.sensitiveFieldsOf(transformer.context, tenantId);
  const fields = parsed as Record<string, unknown>;
  let changed = false;
  for (const [key, item] of Object.entries(fields)) {
    const context = fieldContext(transformer.context, key);
    let next = item;
    if (isEncryptedEnvelope(item)) {
      next = reencryptText(item, context, tenantId, activeKeyId, encryption);
    } else if (sensitive.has(key) && item !== null && item !== undefined) {
      next = encryption.encrypt(tenantId, context, JSON.stringify(item));
    }
    if (next !== item) {
      fields[key] = next;
      changed = true;
    }
  }
  return changed ? { value: JSON.stringify(fields), changed } : { value: stored, changed };
}
