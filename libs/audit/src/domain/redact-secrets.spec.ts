import { describe, expect, it } from '@jest/globals';
import { REDACTED, toAuditValues } from './redact-secrets.js';

describe('toAuditValues', () => {
  it('returns null for absent values', () => {
    expect(toAuditValues(undefined)).toBeNull();
  });

  it.each([
    'password',
    'newPassword',
    'passwordHash',
    'refreshToken',
    'accessToken',
    'apiKey',
    'api_key',
    'clientSecret',
    'totpSecret',
    'otp',
    'recoveryCodes',
    'privateKey',
    'Authorization',
    'cookie',
    'credentials',
    'passphrase',
  ])('redacts the value of key %s', (key) => {
    const values = toAuditValues({ [key]: 'visible-secret', title: 'kept' });
    expect(values?.[key]).toBe(REDACTED);
    expect(values?.title).toBe('kept');
  });

  it('redacts secrets in nested objects and arrays', () => {
    const values = toAuditValues({
      settings: { smtp: { host: 'mail.local', password: 'p' } },
      keys: [{ name: 'ci', token: 't' }],
    });
    expect(values).toEqual({
      settings: { smtp: { host: 'mail.local', password: REDACTED } },
      keys: [{ name: 'ci', token: REDACTED }],
    });
  });

  it('redacts an object-valued secret as a whole', () => {
    const values = toAuditValues({ secret: { a: 1, b: [2] } });
    expect(values?.secret).toBe(REDACTED);
  });

  it.each([
    ['a JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl'],
    ['a bearer credential', 'Bearer abc.def'],
    ['an argon2 hash', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA'],
    ['a bcrypt hash', '$2b$12$abcdefghijklmnopqrstuv'],
  ])('redacts %s under an innocent key', (_label, value) => {
    expect(toAuditValues({ note: value })?.note).toBe(REDACTED);
  });

  it('keeps ordinary values and turns dates into ISO strings', () => {
    const values = toAuditValues({
      status: 'NEW',
      count: 3,
      dueAt: new Date('2026-01-02T03:04:05.000Z'),
    });
    expect(values).toEqual({ status: 'NEW', count: 3, dueAt: '2026-01-02T03:04:05.000Z' });
  });
});
