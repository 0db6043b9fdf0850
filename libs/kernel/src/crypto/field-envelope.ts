import {
  IV_LENGTH,
  KEY_LENGTH,
  TAG_LENGTH,
  decodeBase64Url,
  openAesGcm,
  sealAesGcm,
} from './aes-gcm.js';
import { DecryptionFailedError, InvalidEnvelopeError } from './errors.js';

/** An unwrapped AES-256 key and the key store id that envelopes record. */
export interface DataKey {
  readonly id: string;
  /** 32 bytes of key material. */
  readonly material: Buffer;
}

/** Returns the key for an envelope's key id, or throws (for example KeyDestroyedError). */
export type DataKeyResolver = (keyId: string) => DataKey;

const ENVELOPE_PREFIX = 'enc:v1:';
const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,256}$/;

/** The parts of a well-formed envelope, from `readEnvelopeParts`. */
export interface ParsedEnvelope {
  readonly keyId: string;
  readonly iv: Buffer;
  readonly ciphertextWithTag: Buffer;
}

/**
 * Encrypts a field value with AES-256-GCM and returns the envelope
 * `enc:v1:<keyId>:<base64url iv>:<base64url ciphertext+tag>`.
 *
 * The AAD, when given, binds the value to its context (for example `tenant:<id>:users.email`).
 * Decryption must then pass the same AAD, and omitting it equals passing ''. The version prefix
 * and key id are always
 * authenticated, so an envelope cannot be relabelled with another key id.
 */
export function encryptField(plaintext: string, key: DataKey, aad?: string): string {
  assertDataKey(key);
  const sealed = sealAesGcm(key.material, Buffer.from(plaintext, 'utf8'), buildAad(key.id, aad));
  const iv = sealed.iv.toString('base64url');
  const payload = sealed.ciphertextWithTag.toString('base64url');
  return `${ENVELOPE_PREFIX}${key.id}:${iv}:${payload}`;
}

/**
 * Decrypts an envelope made by `encryptField`, as text or as parsed by `readEnvelopeParts`.
 * `resolve` maps the envelope's key id to its key.
 *
 * Throws InvalidEnvelopeError for a malformed envelope and DecryptionFailedError when the key,
 * the AAD or the ciphertext does not match. Errors from `resolve`, such as KeyDestroyedError,
 * pass through unchanged.
 */
export function decryptField(
  envelope: string | ParsedEnvelope,
  resolve: DataKeyResolver,
  aad?: string,
): string {
  const parsed = typeof envelope === 'string' ? parseEnvelope(envelope) : envelope;
  const key = resolve(parsed.keyId);
  assertDataKey(key);
  if (key.id !== parsed.keyId) {
    throw new DecryptionFailedError(
      parsed.keyId,
      `Key resolver returned key ${key.id} for envelope key id ${parsed.keyId}.`,
    );
  }

  const plaintext = openAesGcm(key.material, parsed, buildAad(parsed.keyId, aad));
  if (plaintext === undefined) {
    throw new DecryptionFailedError(
      parsed.keyId,
      `Decryption with key ${parsed.keyId} failed: the authentication tag does not match. ` +
        'The AAD differs from the one used at encryption, or the envelope was modified.',
    );
  }
  return plaintext.toString('utf8');
}

/**
 * Decrypts an envelope and encrypts the plaintext again under `newKey`, for re-encryption after
 * a key rotation. Returns the envelope unchanged when it already uses `newKey`.
 */
export function reencryptField(
  envelope: string,
  resolve: DataKeyResolver,
  newKey: DataKey,
  aad?: string,
): string {
  if (envelopeKeyId(envelope) === newKey.id) {
    return envelope;
  }
  return encryptField(decryptField(envelope, resolve, aad), newKey, aad);
}

/** Returns the key id recorded in an envelope, for example to find values left to re-encrypt. */
export function envelopeKeyId(envelope: string): string {
  return parseEnvelope(envelope).keyId;
}

/** Returns whether a value has the well-formed `enc:v1:` envelope format. */
export function isEncryptedEnvelope(value: unknown): value is string {
  // Called for every stored value of an encrypted column, plaintext included, so it must not
  // throw and catch: building an error with its stack costs more than decrypting the field.
  return typeof value === 'string' && typeof readEnvelope(value) !== 'string';
}

/**
 * Returns the parts of a well-formed envelope, or undefined for any other value. A caller that
 * checks a value and then decrypts it parses it once this way instead of twice.
 */
export function readEnvelopeParts(value: unknown): ParsedEnvelope | undefined {
  if (typeof value !== 'string') return undefined;
  const parsed = readEnvelope(value);
  return typeof parsed === 'string' ? undefined : parsed;
}

function parseEnvelope(envelope: string): ParsedEnvelope {
  const parsed = readEnvelope(envelope);
  if (typeof parsed === 'string') throw new InvalidEnvelopeError(parsed);
  return parsed;
}

/** Returns the parts of an envelope, or the reason it is malformed. */
function readEnvelope(envelope: string): ParsedEnvelope | string {
  if (!envelope.startsWith(ENVELOPE_PREFIX)) {
    return `Invalid encrypted envelope: expected the prefix "${ENVELOPE_PREFIX}".`;
  }
  const parts = envelope.slice(ENVELOPE_PREFIX.length).split(':');
  if (parts.length !== 3) {
    return (
      `Invalid encrypted envelope: expected ${ENVELOPE_PREFIX}<keyId>:<iv>:<ciphertext>, ` +
      `got ${parts.length} fields after the prefix.`
    );
  }

  const [keyId, ivText, payloadText] = parts as [string, string, string];
  if (!KEY_ID_PATTERN.test(keyId)) {
    return `Invalid encrypted envelope: invalid key id "${keyId}".`;
  }
  const iv = decodeBase64Url(ivText);
  if (iv === undefined || iv.length !== IV_LENGTH) {
    return `Invalid encrypted envelope for key ${keyId}: the IV must be ${IV_LENGTH} bytes of base64url.`;
  }
  const ciphertextWithTag = decodeBase64Url(payloadText);
  if (ciphertextWithTag === undefined || ciphertextWithTag.length < TAG_LENGTH) {
    return (
      `Invalid encrypted envelope for key ${keyId}: the ciphertext must be base64url ` +
      `and contain a ${TAG_LENGTH}-byte tag.`
    );
  }
  return { keyId, iv, ciphertextWithTag };
}

/** Builds the GCM AAD from the envelope header and the caller's AAD, separated by a NUL byte. */
function buildAad(keyId: string, aad: string | undefined): Buffer {
  return Buffer.from(`${ENVELOPE_PREFIX}${keyId}\u0000${aad ?? ''}`, 'utf8');
}

function assertDataKey(key: DataKey): void {
  if (!KEY_ID_PATTERN.test(key.id)) {
    throw new RangeError(
      `Invalid data key id "${key.id}": use 1 to 256 characters from A-Z, a-z, 0-9, ".", "_", "-".`,
    );
  }
  if (key.material.length !== KEY_LENGTH) {
    throw new RangeError(
      `Data key ${key.id} must be ${KEY_LENGTH} bytes, got ${key.material.length}.`,
    );
  }
}
