import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Key length of AES-256 in bytes. */
export const KEY_LENGTH = 32;
/** IV length in bytes. 96 bits is the IV size that GCM processes without an extra GHASH step. */
export const IV_LENGTH = 12;
/** Authentication tag length in bytes. */
export const TAG_LENGTH = 16;

export interface SealedBox {
  iv: Buffer;
  /** Ciphertext followed by the 16-byte authentication tag. */
  ciphertextWithTag: Buffer;
}

/**
 * Encrypts with AES-256-GCM under a fresh random 12-byte IV.
 *
 * NIST SP 800-38D limits a key to 2^32 encryptions with random IVs, so keys must be rotated
 * long before that count.
 */
export function sealAesGcm(key: Buffer, plaintext: Buffer, aad: Buffer): SealedBox {
  assertKeyLength(key);
  const iv = randomBytes(IV_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_LENGTH });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, ciphertextWithTag: Buffer.concat([ciphertext, cipher.getAuthTag()]) };
}

/**
 * Decrypts an AES-256-GCM box. Returns undefined when authentication fails, so that each
 * caller can raise an error that names its own key and context.
 */
export function openAesGcm(key: Buffer, box: SealedBox, aad: Buffer): Buffer | undefined {
  assertKeyLength(key);
  if (box.iv.length !== IV_LENGTH || box.ciphertextWithTag.length < TAG_LENGTH) {
    return undefined;
  }
  const tagStart = box.ciphertextWithTag.length - TAG_LENGTH;
  // authTagLength makes Node reject shorter tags, which would otherwise weaken authentication.
  const decipher = createDecipheriv('aes-256-gcm', key, box.iv, { authTagLength: TAG_LENGTH });
  decipher.setAAD(aad);
  decipher.setAuthTag(box.ciphertextWithTag.subarray(tagStart));
  const plaintext = decipher.update(box.ciphertextWithTag.subarray(0, tagStart));
  try {
    return Buffer.concat([plaintext, decipher.final()]);
  } catch {
    // final() throws "Unsupported state or unable to authenticate data" on a tag mismatch.
    plaintext.fill(0);
    return undefined;
  }
}

function assertKeyLength(key: Buffer): void {
  if (key.length !== KEY_LENGTH) {
    throw new RangeError(`AES-256 key must be ${KEY_LENGTH} bytes, got ${key.length}.`);
  }
}

/**
 * Decodes unpadded base64url strictly. Returns undefined for characters outside the alphabet
 * and for non-canonical text, so that two different strings never decode to the same bytes.
 */
export function decodeBase64Url(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) {
    return undefined;
  }
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}
