import { randomBytes } from 'node:crypto';

import { describe, expect, it } from '@jest/globals';

import { DecryptionFailedError, InvalidEnvelopeError, KeyDestroyedError } from './errors.js';
import {
  decryptField,
  encryptField,
  envelopeKeyId,
  isEncryptedEnvelope,
  readEnvelopeParts,
  reencryptField,
  type DataKey,
} from './field-envelope.js';

function makeKey(id: string): DataKey {
  return { id, material: randomBytes(32) };
}

function resolverFor(...keys: DataKey[]): (keyId: string) => DataKey {
  return (keyId) => {
    const key = keys.find((candidate) => candidate.id === keyId);
    if (key === undefined) {
      throw new Error(`test resolver has no key ${keyId}`);
    }
    return key;
  };
}

/** Replaces one base64url character of the envelope field at `fieldIndex` (0 = "enc"). */
function tamperField(envelope: string, fieldIndex: number): string {
  const fields = envelope.split(':');
  const field = fields[fieldIndex] as string;
  const bytes = Buffer.from(field, 'base64url');
  bytes[0] = (bytes[0] as number) ^ 0x01;
  fields[fieldIndex] = bytes.toString('base64url');
  return fields.join(':');
}

describe('encryptField and decryptField', () => {
  const key = makeKey('dek.acme.v1');
  const resolve = resolverFor(key);

  it('round-trips text', () => {
    for (const plaintext of ['jan.peeters@example.be', '', 'Zoë ✓ 日本語 🎫', 'x'.repeat(10_000)]) {
      const envelope = encryptField(plaintext, key);
      expect(decryptField(envelope, resolve)).toBe(plaintext);
    }
  });

  it('round-trips text with AAD', () => {
    const aad = 'tenant:acme:users.email';
    const envelope = encryptField('jan@example.be', key, aad);
    expect(decryptField(envelope, resolve, aad)).toBe('jan@example.be');
  });

  it('writes the compact envelope format', () => {
    const envelope = encryptField('secret', key);
    const fields = envelope.split(':');
    expect(fields).toHaveLength(5);
    expect(fields[0]).toBe('enc');
    expect(fields[1]).toBe('v1');
    expect(fields[2]).toBe('dek.acme.v1');
    expect(Buffer.from(fields[3] as string, 'base64url')).toHaveLength(12);
    // 6 bytes of ciphertext for "secret" plus the 16-byte tag.
    expect(Buffer.from(fields[4] as string, 'base64url')).toHaveLength(6 + 16);
    expect(envelope).not.toContain('secret');
    expect(envelopeKeyId(envelope)).toBe('dek.acme.v1');
  });

  it('uses a fresh IV for each encryption', () => {
    const first = encryptField('same value', key);
    const second = encryptField('same value', key);
    expect(first).not.toBe(second);
    expect(first.split(':')[3]).not.toBe(second.split(':')[3]);
  });

  it('detects a modified ciphertext', () => {
    const envelope = encryptField('amount: 100 EUR', key);
    expect(() => decryptField(tamperField(envelope, 4), resolve)).toThrow(DecryptionFailedError);
  });

  it('detects a modified IV', () => {
    const envelope = encryptField('amount: 100 EUR', key);
    expect(() => decryptField(tamperField(envelope, 3), resolve)).toThrow(DecryptionFailedError);
  });

  it('detects a modified tag', () => {
    const envelope = encryptField('amount: 100 EUR', key);
    const fields = envelope.split(':');
    const payload = Buffer.from(fields[4] as string, 'base64url');
    payload[payload.length - 1] = (payload[payload.length - 1] as number) ^ 0x80;
    fields[4] = payload.toString('base64url');
    expect(() => decryptField(fields.join(':'), resolve)).toThrow(DecryptionFailedError);
  });

  it('detects a truncated tag', () => {
    const envelope = encryptField('amount: 100 EUR', key);
    const fields = envelope.split(':');
    const payload = Buffer.from(fields[4] as string, 'base64url');
    fields[4] = payload.subarray(0, payload.length - 4).toString('base64url');
    expect(() => decryptField(fields.join(':'), resolve)).toThrow(DecryptionFailedError);
  });

  it('detects a relabelled key id', () => {
    const other = makeKey('dek.acme.v2');
    const twoKeys = resolverFor(key, { id: other.id, material: key.material });
    const relabelled = encryptField('value', key).replace(':dek.acme.v1:', ':dek.acme.v2:');
    expect(() => decryptField(relabelled, twoKeys)).toThrow(DecryptionFailedError);
  });

  it('rejects a wrong AAD', () => {
    const envelope = encryptField('jan@example.be', key, 'tenant:acme:users.email');
    expect(() => decryptField(envelope, resolve, 'tenant:other:users.email')).toThrow(
      DecryptionFailedError,
    );
    expect(() => decryptField(envelope, resolve)).toThrow(DecryptionFailedError);
  });

  it('rejects an AAD that encryption did not use', () => {
    const envelope = encryptField('jan@example.be', key);
    expect(() => decryptField(envelope, resolve, 'tenant:acme:users.email')).toThrow(
      /authentication tag does not match/,
    );
  });

  it('rejects the wrong key', () => {
    const envelope = encryptField('value', key);
    const impostor = { id: key.id, material: randomBytes(32) };
    expect(() => decryptField(envelope, () => impostor)).toThrow(DecryptionFailedError);
  });

  it('rejects a resolver returning another key id', () => {
    const envelope = encryptField('value', key);
    expect(() => decryptField(envelope, () => makeKey('dek.acme.v9'))).toThrow(
      /returned key dek.acme.v9/,
    );
  });

  it('passes resolver errors through', () => {
    const envelope = encryptField('value', key);
    const destroyed = (keyId: string): DataKey => {
      throw new KeyDestroyedError(keyId);
    };
    expect(() => decryptField(envelope, destroyed)).toThrow(KeyDestroyedError);
  });

  it('rejects malformed envelopes', () => {
    const valid = encryptField('value', key);
    const [, , keyId, iv, payload] = valid.split(':') as [string, string, string, string, string];
    const malformed = [
      'plain text',
      `enc:v2:${keyId}:${iv}:${payload}`,
      `enc:v1:${keyId}:${iv}`,
      `enc:v1:${keyId}:${iv}:${payload}:extra`,
      `enc:v1::${iv}:${payload}`,
      `enc:v1:bad/id:${iv}:${payload}`,
      `enc:v1:${keyId}:${iv}AA:${payload}`,
      `enc:v1:${keyId}:${iv}:${payload.slice(0, 10)}`,
      `enc:v1:${keyId}:${iv}:${payload}=`,
      `enc:v1:${keyId}:${iv}:${payload.replace(/.$/, '+')}`,
    ];
    for (const envelope of malformed) {
      expect(() => decryptField(envelope, resolve)).toThrow(InvalidEnvelopeError);
      expect(isEncryptedEnvelope(envelope)).toBe(false);
    }
  });

  it('rejects keys of the wrong length', () => {
    expect(() => encryptField('value', { id: 'dek.acme.v1', material: randomBytes(16) })).toThrow(
      /must be 32 bytes, got 16/,
    );
  });

  it('rejects key ids containing a colon', () => {
    expect(() => encryptField('value', { id: 'dek:acme', material: randomBytes(32) })).toThrow(
      /Invalid data key id/,
    );
  });
});

describe('isEncryptedEnvelope', () => {
  it('accepts envelopes and rejects other values', () => {
    const key = makeKey('sk.acme.u42.g1');
    expect(isEncryptedEnvelope(encryptField('value', key))).toBe(true);
    expect(isEncryptedEnvelope(encryptField('', key))).toBe(true);
    expect(isEncryptedEnvelope('jan@example.be')).toBe(false);
    expect(isEncryptedEnvelope('enc:v1:')).toBe(false);
    expect(isEncryptedEnvelope(undefined)).toBe(false);
    expect(isEncryptedEnvelope(42)).toBe(false);
  });
});

describe('readEnvelopeParts', () => {
  const key = makeKey('dek.acme.v1');

  it('parses an envelope for decryptField', () => {
    const parts = readEnvelopeParts(encryptField('value', key, 'tenant:acme:users.email'));
    expect(parts?.keyId).toBe('dek.acme.v1');
    expect(decryptField(parts!, resolverFor(key), 'tenant:acme:users.email')).toBe('value');
  });

  it('returns undefined for other values', () => {
    for (const value of ['jan@example.be', 'enc:v1:', 'enc:v1:dek.acme.v1:AAAA:AAAA', undefined, 42]) {
      expect(readEnvelopeParts(value)).toBeUndefined();
    }
  });

  it('keeps authentication of parsed envelopes', () => {
    const parts = readEnvelopeParts(tamperField(encryptField('value', key), 4));
    expect(() => decryptField(parts!, resolverFor(key))).toThrow(DecryptionFailedError);
  });
});

describe('reencryptField', () => {
  it('moves a value to the new key', () => {
    const oldKey = makeKey('dek.acme.v1');
    const newKey = makeKey('dek.acme.v2');
    const resolve = resolverFor(oldKey, newKey);
    const envelope = encryptField('value', oldKey, 'aad');

    const moved = reencryptField(envelope, resolve, newKey, 'aad');

    expect(envelopeKeyId(moved)).toBe('dek.acme.v2');
    expect(decryptField(moved, resolve, 'aad')).toBe('value');
    expect(reencryptField(moved, resolve, newKey, 'aad')).toBe(moved);
  });
});
