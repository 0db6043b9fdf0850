import { describe, expect, it } from '@jest/globals';

import { InvalidIdentifierError } from './errors.js';
import {
  assertEntityId,
  jurisdictionKeyId,
  normalizeJurisdiction,
  parseKeyId,
  subjectKeyId,
  tenantKeyId,
} from './key-ids.js';

describe('parseKeyId', () => {
  it('parses each key level', () => {
    expect(parseKeyId(jurisdictionKeyId('BE'))).toEqual({
      level: 'jurisdiction',
      jurisdiction: 'BE',
    });
    expect(parseKeyId(tenantKeyId('acme', 12))).toEqual({
      level: 'tenant',
      tenantId: 'acme',
      version: 12,
    });
    expect(parseKeyId(subjectKeyId('acme', 'user-42', 3))).toEqual({
      level: 'subject',
      tenantId: 'acme',
      subjectId: 'user-42',
      generation: 3,
    });
  });

  it('rejects malformed key ids', () => {
    const invalid = [
      '',
      'kek.UK',
      'kek.be',
      'kek.BE.v1',
      'dek.acme',
      'dek.acme.v0',
      'dek.acme.v01',
      'dek.acme.3',
      'dek..v1',
      'sk.acme.u42',
      'sk.acme.u42.v1',
      'sk.acme.u/42.g1',
      'master',
    ];
    for (const keyId of invalid) {
      expect(() => parseKeyId(keyId)).toThrow(InvalidIdentifierError);
    }
  });
});

describe('normalizeJurisdiction', () => {
  it('upper-cases assigned codes', () => {
    expect(normalizeJurisdiction('be')).toBe('BE');
    expect(normalizeJurisdiction(' NL ')).toBe('NL');
    expect(normalizeJurisdiction('DE')).toBe('DE');
  });

  it('rejects unassigned and reserved codes', () => {
    for (const code of ['UK', 'EL', 'EU', 'XK', 'ZZ', 'BEL', 'B', '']) {
      expect(() => normalizeJurisdiction(code)).toThrow(InvalidIdentifierError);
    }
  });
});

describe('assertEntityId', () => {
  it('accepts UUIDs and slugs', () => {
    expect(() => assertEntityId('tenant', '6f1c2a9e-3b7d-4c1e-9a55-0c2f1e8d7b64')).not.toThrow();
    expect(() => assertEntityId('subject', 'user_42')).not.toThrow();
  });

  it('rejects ids that are unsafe as file names', () => {
    for (const id of ['', '.', '..', 'a.b', 'a/b', 'a\\b', 'a:b', 'a b', 'x'.repeat(129)]) {
      expect(() => assertEntityId('tenant', id)).toThrow(InvalidIdentifierError);
    }
  });
});
