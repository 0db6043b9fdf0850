import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TOKEN_AUDIENCE, TOKEN_ISSUER, TokenService } from '#identity';
import { TOKEN_CLOCK_SKEW_SECONDS } from '../../libs/identity/src/infrastructure/token-service.js';
import type { Tenant } from '#tenancy';
import { TEST_PASSWORD, startTestApp, type TestApp } from '../support/test-app.js';
import { claimsOf, signJwt, unsignedJwt } from './support/forged-tokens.js';

type TokenPair = { accessToken: string; refreshToken: string };

describe('access and refresh tokens', () => {
  let t: TestApp;
  let acme: Tenant;
  let adminToken: string;
  let key: Buffer;

  const me = (token: string, tenant = 'acme') =>
    t.http.get('/api/v1/me').set('X-Tenant-ID', tenant).set('Authorization', `Bearer ${token}`);

  const loginPair = async (email: string, password = TEST_PASSWORD): Promise<TokenPair> => {
    const response = await t.http.post('/api/v1/auth/login').set('X-Tenant-ID', 'acme').send({ email, password });
    expect(response.status).toBe(200);
    return response.body as TokenPair;
  };

  const refresh = (refreshToken: string, tenant = 'acme') =>
    t.http.post('/api/v1/auth/refresh').set('X-Tenant-ID', tenant).send({ refreshToken });

  /** Claims of a real token of `email`, to forge variants that differ in one way. */
  const realClaims = async (email: string): Promise<Record<string, unknown>> =>
    claimsOf((await loginPair(email)).accessToken);

  beforeAll(async () => {
    t = await startTestApp();
    acme = await t.createTenant('acme');
    await t.createTenant('globex');
    await t.createUser(acme, 'admin@acme.test', ['Admin']);
    await t.createUser(acme, 'agent@acme.test', ['Employee']);
    adminToken = await t.login('acme', 'admin@acme.test');
    key = t.app.get(TokenService).signingKey;
  });

  afterAll(async () => {
    await t.close();
  });

  it('accepts a genuine token', async () => {
    const token = await t.login('acme', 'agent@acme.test');
    await me(token).expect(200);
  });

  it('rejects alg none', async () => {
    const claims = await realClaims('agent@acme.test');
    await me(unsignedJwt(claims)).expect(401);
  });

  it('rejects a token signed with another key', async () => {
    const claims = await realClaims('agent@acme.test');
    const forged = signJwt({ alg: 'HS256', typ: 'JWT' }, claims, Buffer.alloc(32, 7));
    await me(forged).expect(401);
  });

  it('rejects HS384 with the right key', async () => {
    const claims = await realClaims('agent@acme.test');
    const header = Buffer.from(JSON.stringify({ alg: 'HS384', typ: 'JWT' })).toString('base64url');
    const genuine = signJwt({ alg: 'HS256', typ: 'JWT' }, claims, key).split('.');
    await me(`${header}.${genuine[1]}.${genuine[2]}`).expect(401);
  });

  it('rejects a wrong audience', async () => {
    const claims = await realClaims('agent@acme.test');
    const forged = signJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, aud: 'another-api' }, key);
    await me(forged).expect(401);
  });

  it('rejects a wrong issuer', async () => {
    const claims = await realClaims('agent@acme.test');
    const forged = signJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, iss: 'someone-else' }, key);
    await me(forged).expect(401);
  });

  it('rejects an expired token', async () => {
    const claims = await realClaims('agent@acme.test');
    const now = Math.floor(Date.now() / 1000);
    const forged = signJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, iat: now - 7200, exp: now - 3600 }, key);
    await me(forged).expect(401);
  });

  it('rejects a token without expiry', async () => {
    const { exp: _exp, ...claims } = await realClaims('agent@acme.test');
    const forged = signJwt({ alg: 'HS256', typ: 'JWT' }, claims, key);
    await me(forged).expect(401);
  });

  it('rejects a far-future expiry', async () => {
    const claims = await realClaims('agent@acme.test');
    const now = Math.floor(Date.now() / 1000);
    const forged = signJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, iat: now, exp: now + 10 * 365 * 86400 }, key);
    const response = await me(forged).expect(401);
    expect(response.body.detail).toBe('The token lives longer than the access token lifetime allows');
  });

  it('rejects a token without issue time', async () => {
    const { iat: _iat, ...claims } = await realClaims('agent@acme.test');
    const forged = signJwt({ alg: 'HS256', typ: 'JWT' }, claims, key);
    const response = await me(forged).expect(401);
    expect(response.body.detail).toBe('The token is malformed');
  });

  it('rejects an issue time in the future', async () => {
    const claims = await realClaims('agent@acme.test');
    const issuedAt = Math.floor(Date.now() / 1000) + 365 * 86400;
    const forged = signJwt(
      { alg: 'HS256', typ: 'JWT' },
      { ...claims, iat: issuedAt, exp: issuedAt + t.settings.accessTokenTtlSeconds },
      key,
    );
    const response = await me(forged).expect(401);
    expect(response.body.detail).toBe('The token has an issue time in the future');
  });

  it('allows lifetime within clock skew', async () => {
    const claims = await realClaims('agent@acme.test');
    const now = Math.floor(Date.now() / 1000);
    const longest = t.settings.accessTokenTtlSeconds + TOKEN_CLOCK_SKEW_SECONDS;
    const withLifetime = (lifetime: number) => signJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, iat: now, exp: now + lifetime }, key);
    await me(withLifetime(longest)).expect(200);
    await me(withLifetime(longest + 1)).expect(401);
  });

  it('rejects a token of another tenant', async () => {
    const token = await t.login('acme', 'agent@acme.test');
    await me(token, 'globex').expect(401);
  });

  it('rejects a forged token naming another tenant', async () => {
    const claims = await realClaims('agent@acme.test');
    const forged = signJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, tid: crypto.randomUUID() }, key);
    await me(forged).expect(401);
  });

  it('rejects an unknown scope', async () => {
    const claims = await realClaims('agent@acme.test');
    const forged = signJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, scp: 'everything' }, key);
    await me(forged).expect(401);
  });

  it('rejects a token without a subject', async () => {
    const { sub: _sub, ...claims } = await realClaims('agent@acme.test');
    const forged = signJwt({ alg: 'HS256', typ: 'JWT' }, claims, key);
    await me(forged).expect(401);
  });

  it('carries issuer, audience, tenant and expiry', async () => {
    const claims = await realClaims('agent@acme.test');
    expect(claims.iss).toBe(TOKEN_ISSUER);
    expect(claims.aud).toBe(TOKEN_AUDIENCE);
    expect(claims.tid).toBe(acme.id);
    expect(Number(claims.exp) - Number(claims.iat)).toBe(t.settings.accessTokenTtlSeconds);
  });

  it('ends every token on logout', async () => {
    await t.createUser(acme, 'logout@acme.test', ['Employee']);
    const first = await loginPair('logout@acme.test');
    const second = await loginPair('logout@acme.test');
    await t.http.post('/api/v1/auth/logout').set('X-Tenant-ID', 'acme').set('Authorization', `Bearer ${first.accessToken}`).expect(204);
    await me(first.accessToken).expect(401);
    await me(second.accessToken).expect(401);
    await refresh(second.refreshToken).expect(401);
  });

  it('ends every token on password change', async () => {
    await t.createUser(acme, 'changer@acme.test', ['Employee']);
    const other = await loginPair('changer@acme.test');
    const current = await loginPair('changer@acme.test');
    const changed = await t.http
      .post('/api/v1/auth/change-password')
      .set('X-Tenant-ID', 'acme')
      .set('Authorization', `Bearer ${current.accessToken}`)
      .send({ currentPassword: TEST_PASSWORD, newPassword: 'a-brand-new-passphrase-77' })
      .expect(200);
    await me(current.accessToken).expect(401);
    await me(other.accessToken).expect(401);
    await refresh(other.refreshToken).expect(401);
    await me((changed.body as TokenPair).accessToken).expect(200);
  });

  it('ends every token when disabled', async () => {
    const userId = await t.createUser(acme, 'leaver@acme.test', ['Employee']);
    const pair = await loginPair('leaver@acme.test');
    await t.http
      .patch(`/api/v1/users/${userId}`)
      .set('X-Tenant-ID', 'acme')
      .set('Authorization', `Bearer ${adminToken}`)
      .send({ status: 'disabled' })
      .expect(200);
    await me(pair.accessToken).expect(401);
    await refresh(pair.refreshToken).expect(401);
  });

  it('rotates the refresh token', async () => {
    const first = await loginPair('agent@acme.test');
    const rotated = await refresh(first.refreshToken).expect(200);
    const next = rotated.body as TokenPair;
    expect(next.refreshToken).not.toBe(first.refreshToken);
    await me(next.accessToken).expect(200);
  });

  it('revokes the family on refresh token reuse', async () => {
    const victimId = await t.createUser(acme, 'victim@acme.test', ['Employee']);
    const stolen = await loginPair('victim@acme.test');
    const unrelated = await loginPair('victim@acme.test');
    const legitimate = (await refresh(stolen.refreshToken).expect(200)).body as TokenPair;

    await refresh(stolen.refreshToken).expect(401);

    await refresh(legitimate.refreshToken).expect(401);
    await me(legitimate.accessToken).expect(401);
    await me(unrelated.accessToken).expect(401);
    const audit = await t.http
      .get(`/api/v1/audit?action=auth.refresh_token_reused&entityId=${victimId}`)
      .set('X-Tenant-ID', 'acme')
      .set('Authorization', `Bearer ${adminToken}`)
      .expect(200);
    expect((audit.body as { data: unknown[] }).data).toHaveLength(1);
  });

  it('ignores a stale token after logout', async () => {
    await t.createUser(acme, 'returner@acme.test', ['Employee']);
    const old = await loginPair('returner@acme.test');
    await t.http.post('/api/v1/auth/logout').set('X-Tenant-ID', 'acme').set('Authorization', `Bearer ${old.accessToken}`).expect(204);
    const fresh = await loginPair('returner@acme.test');

    await refresh(old.refreshToken).expect(401);

    await me(fresh.accessToken).expect(200);
    await refresh(fresh.refreshToken).expect(200);
  });

  it('rejects a refresh token on another tenant', async () => {
    const pair = await loginPair('agent@acme.test');
    await refresh(pair.refreshToken, 'globex').expect(401);
    await refresh(pair.refreshToken).expect(200);
  });
});
