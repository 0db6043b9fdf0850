import { decodeBase64Url, openAesGcm, sealAesGcm } from './aes-gcm.js';
import { KeyStoreError } from './errors.js';

export const WRAPPED_KEY_FORMAT = 'ticket-masala/wrapped-key/v1';

/** JSON file content of one wrapped key. No field contains unwrapped key material. */
export interface WrappedKeyRecord {
  format: typeof WRAPPED_KEY_FORMAT;
  keyId: string;
  /** Id of the key that wraps this one: `master`, a `kek.*` id or a `dek.*` id. */
  wrappingKeyId: string;
  algorithm: 'AES-256-GCM';
  /** base64url of the 12-byte IV. */
  iv: string;
  /** base64url of the wrapped key followed by the 16-byte tag. */
  ciphertext: string;
  createdAt: string;
}

export interface WrappingKey {
  id: string;
  material: Buffer;
}

/**
 * Wraps key material with AES-256-GCM. The AAD binds the record to both key ids, so a wrapped
 * key cannot be moved to another key id or presented as wrapped by another key.
 */
export function wrapKey(
  keyId: string,
  material: Buffer,
  wrappingKey: WrappingKey,
): WrappedKeyRecord {
  const sealed = sealAesGcm(wrappingKey.material, material, wrapAad(keyId, wrappingKey.id));
  return {
    format: WRAPPED_KEY_FORMAT,
    keyId,
    wrappingKeyId: wrappingKey.id,
    algorithm: 'AES-256-GCM',
    iv: sealed.iv.toString('base64url'),
    ciphertext: sealed.ciphertextWithTag.toString('base64url'),
    createdAt: new Date().toISOString(),
  };
}

/** Unwraps a record. Returns undefined when the wrapping key does not authenticate it. */
export function unwrapKey(record: WrappedKeyRecord, wrappingKey: WrappingKey): Buffer | undefined {
  if (record.wrappingKeyId !== wrappingKey.id) {
    return undefined;
  }
  const iv = decodeBase64Url(record.iv);
  const ciphertextWithTag = decodeBase64Url(record.ciphertext);
  if (iv === undefined || ciphertextWithTag === undefined) {
    return undefined;
  }
  const aad = wrapAad(record.keyId, wrappingKey.id);
  return openAesGcm(wrappingKey.material, { iv, ciphertextWithTag }, aad);
}

/** Checks the shape of a parsed wrapped key file and that it stores the expected key id. */
export function parseWrappedKeyRecord(
  value: unknown,
  expectedKeyId: string,
  path: string,
): WrappedKeyRecord {
  if (
    !isRecord(value) ||
    value['format'] !== WRAPPED_KEY_FORMAT ||
    value['algorithm'] !== 'AES-256-GCM' ||
    typeof value['keyId'] !== 'string' ||
    typeof value['wrappingKeyId'] !== 'string' ||
    typeof value['iv'] !== 'string' ||
    typeof value['ciphertext'] !== 'string' ||
    typeof value['createdAt'] !== 'string'
  ) {
    throw new KeyStoreError(`Key store file ${path} is not a ${WRAPPED_KEY_FORMAT} record.`);
  }
  if (value['keyId'] !== expectedKeyId) {
    // Also catches two ids that differ only in case on a case-insensitive file system.
    throw new KeyStoreError(
      `Key store file ${path} contains key ${String(value['keyId'])}, expected ${expectedKeyId}.`,
    );
  }
  return value as unknown as WrappedKeyRecord;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function wrapAad(keyId: string, wrappingKeyId: string): Buffer {
  return Buffer.from(`${WRAPPED_KEY_FORMAT}\u0000${keyId}\u0000${wrappingKeyId}`, 'utf8');
}
