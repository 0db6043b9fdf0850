import { randomBytes } from 'node:crypto';

import { describe, expect, it } from '@jest/globals';

import { blindIndex, deriveBlindIndexKey } from './blind-index.js';

describe('blindIndex', () => {
  const masterKey = randomBytes(32);
  const acmeKey = deriveBlindIndexKey(masterKey, 'acme');

  it('normalises e-mail case and white space', () => {
    const expected = blindIndex('jan.peeters@example.be', acmeKey, 'users.email');
    expect(blindIndex('  Jan.Peeters@Example.BE\n', acmeKey, 'users.email')).toBe(expected);
  });

  it('returns base64url of a SHA-256 HMAC', () => {
    const index = blindIndex('jan@example.be', acmeKey, 'users.email');
    expect(index).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(index).not.toContain('jan');
  });

  it('differs between tenants', () => {
    const globexKey = deriveBlindIndexKey(masterKey, 'globex');
    expect(blindIndex('jan@example.be', globexKey, 'users.email')).not.toBe(
      blindIndex('jan@example.be', acmeKey, 'users.email'),
    );
  });

  it('differs between contexts', () => {
    expect(blindIndex('jan@example.be', acmeKey, 'users.email')).not.toBe(
      blindIndex('jan@example.be', acmeKey, 'tickets.reporter_email'),
    );
  });

  it('keeps context and value apart', () => {
    expect(blindIndex('b', acmeKey, 'a')).not.toBe(blindIndex('', acmeKey, 'ab'));
  });

  it('hashes the exact value without normalisation', () => {
    expect(blindIndex('Jan', acmeKey, 'users.name', { normalization: 'none' })).not.toBe(
      blindIndex('jan', acmeKey, 'users.name', { normalization: 'none' }),
    );
  });

  it('derives the same key from the same master key', () => {
    expect(deriveBlindIndexKey(Buffer.from(masterKey), 'acme')).toEqual(acmeKey);
    expect(deriveBlindIndexKey(randomBytes(32), 'acme')).not.toEqual(acmeKey);
  });

  it('rejects short keys and empty contexts', () => {
    expect(() => blindIndex('x', randomBytes(16), 'users.email')).toThrow(RangeError);
    expect(() => blindIndex('x', acmeKey, '')).toThrow(RangeError);
  });
});
