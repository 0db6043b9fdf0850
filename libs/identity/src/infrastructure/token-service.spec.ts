import { describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import type { MasalaSettings } from '#kernel';
import { TOKEN_AUDIENCE, TOKEN_ISSUER, TokenService } from './token-service.js';

const SECRET = 'a-test-signing-secret-of-at-least-32-bytes';
const TENANT = '5b0f7e1c-0000-4000-8000-000000000001';

const service = new TokenService({ jwtSecret: SECRET, accessTokenTtlSeconds: 900 } as MasalaSettings);

/** Signs access claims as the service does, with the given secret and lifetime. */
function sign(claims: Record<string, unknown>, options: { secret?: string; expiresIn?: number } = {}): string {
  const jwt = new JwtService({ secret: options.secret ?? SECRET });
  return jwt.sign(
    { sub: 'user-1', tid: TENANT, ver: 1, fam: 'family-1', typ: 'access', ...claims },
    { algorithm: 'HS256', issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE, expiresIn: options.expiresIn ?? 900 },
  );
}

describe('TokenService.tenantOfVerifiedToken', () => {
  it('returns the tenant of a valid token', () => {
    const token = sign({});

    expect(service.tenantOfVerifiedToken(token)).toBe(TENANT);
    expect(service.tenantOfVerifiedToken(token)).toBe(TENANT);
  });

  it('rejects a changed signature', () => {
    const [header, payload] = sign({}).split('.');

    expect(service.tenantOfVerifiedToken(`${header}.${payload}.forged-signature`)).toBeUndefined();
  });

  it('rejects a token of another key', () => {
    expect(service.tenantOfVerifiedToken(sign({}, { secret: 'another-secret-that-is-also-32-bytes-long' }))).toBeUndefined();
  });

  it('rejects an expired token', () => {
    expect(service.tenantOfVerifiedToken(sign({}, { expiresIn: -10 }))).toBeUndefined();
  });

  it('rejects an unsigned token', () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const payload = { tid: TENANT, typ: 'access', iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, exp: Date.now() / 1000 + 900 };
    const unsigned = `${encode({ alg: 'none', typ: 'JWT' })}.${encode(payload)}.`;

    expect(service.tenantOfVerifiedToken(unsigned)).toBeUndefined();
  });

  it('rejects a token that is not an access token', () => {
    expect(service.tenantOfVerifiedToken(sign({ typ: 'refresh' }))).toBeUndefined();
  });
});
