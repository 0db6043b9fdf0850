import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { RequestContext, SYSTEM_ACTOR } from '#kernel';
import { CreateTenantCommand, type Tenant } from '#tenancy';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.js';

const TENANT_LIMIT = 6;
const CLIENT_LIMIT = 4;
const LOGIN_LIMIT = 3;

async function createTenantWithSettings(
  t: TestApp,
  slug: string,
  settings: { rateLimitPerMinute?: number },
): Promise<Tenant> {
  return RequestContext.run({ correlationId: `rate-${slug}`, system: true }, () =>
    t.app
      .get(CommandBus)
      .execute(new CreateTenantCommand({ slug, name: slug, settings }, SYSTEM_ACTOR)),
  );
}

describe('rate limits', () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};

  const list = (slug: string, token: string) =>
    t.http.get('/api/v1/tickets').set('X-Tenant-ID', slug).set('Authorization', `Bearer ${token}`);
  const login = (slug: string, email: string, forwardedFor?: string) => {
    const request = t.http.post('/api/v1/auth/login').set('X-Tenant-ID', slug);
    if (forwardedFor !== undefined) request.set('X-Forwarded-For', forwardedFor);
    return request.send({ email, password: 'wrong-password-for-the-limit' });
  };

  beforeAll(async () => {
    t = await startTestApp({
      MASALA_RATE_LIMIT_PER_MINUTE: '1000',
      MASALA_CLIENT_RATE_LIMIT_PER_MINUTE: String(CLIENT_LIMIT),
      MASALA_LOGIN_RATE_LIMIT_PER_MINUTE: String(LOGIN_LIMIT),
      MASALA_TRUSTED_PROXIES: 'loopback',
    });
    const flood = await createTenantWithSettings(t, 'flood', { rateLimitPerMinute: TENANT_LIMIT });
    const calm = await createTenantWithSettings(t, 'calm', {});
    const clients = await createTenantWithSettings(t, 'clients', {});
    for (let index = 0; index < 3; index += 1) {
      await t.createUser(flood, `user${index}@flood.test`, ['Employee']);
      tokens[`flood${index}`] = await t.login('flood', `user${index}@flood.test`);
    }
    for (let index = 0; index < 3; index += 1) {
      await t.createUser(calm, `user${index}@calm.test`, ['Employee']);
      tokens[`calm${index}`] = await t.login('calm', `user${index}@calm.test`);
    }
    await t.createUser(clients, 'first@clients.test', ['Employee']);
    await t.createUser(clients, 'second@clients.test', ['Employee']);
    tokens['first'] = await t.login('clients', 'first@clients.test');
    tokens['second'] = await t.login('clients', 'second@clients.test');
    await t.createUser(clients, 'locked@clients.test', ['Employee']);
  });

  afterAll(async () => {
    await t.close();
  });

  it('throttles a flooding tenant but not another', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < TENANT_LIMIT + 2; index += 1) {
      const token = tokens[`flood${index % 3}`]!;
      statuses.push((await list('flood', token)).status);
    }
    expect(statuses.slice(0, TENANT_LIMIT)).toEqual(Array(TENANT_LIMIT).fill(200));
    expect(statuses.slice(TENANT_LIMIT)).toEqual([429, 429]);
    // Spread over three tokens, so that no client reaches its own limit.
    for (let index = 0; index < TENANT_LIMIT + 2; index += 1) {
      expect((await list('calm', tokens[`calm${index % 3}`]!)).status).toBe(200);
    }
  });

  it('answers 429 as a problem with Retry-After', async () => {
    const response = await list('flood', tokens['flood0']!).expect(429);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(response.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(response.body).toMatchObject({
      status: 429,
      type: 'urn:ticket-masala:problem:rate_limited',
    });
    expect(response.headers['strict-transport-security']).toContain('max-age=31536000');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('rejects a throttled tenant before the user check', async () => {
    const throttled = await list('flood', tokens['flood1']!).expect(429);
    expect(throttled.body).toMatchObject({ scope: 'tenant', limit: TENANT_LIMIT });
    expect(throttled.headers['x-ratelimit-remaining-tenant']).toBe('0');
  });

  it('answers a forged token of a throttled tenant with 401', async () => {
    // A 429 would reveal to anyone with the tenant's id that the tenant is over its limit.
    const [header, payload] = tokens['flood0']!.split('.');
    const fromOtherAddress = (slug: string) =>
      list(slug, `${header}.${payload}.forged-signature`).set('X-Forwarded-For', '203.0.113.23');
    const forged = await fromOtherAddress('flood');
    expect(forged.status).toBe(401);
    expect((await fromOtherAddress('calm')).status).toBe(401);
  });

  it("leaves another tenant's token to authentication", async () => {
    // From an address of its own, because the logins of the setup used up most of the address limit.
    const fromOtherAddress = (token: string) => list('flood', token).set('X-Forwarded-For', '203.0.113.20');
    await fromOtherAddress(tokens['calm0']!).expect(401);
    await fromOtherAddress('not-a-token').expect(401);
  });

  it('still lets a throttled tenant log in', async () => {
    await t.http
      .post('/api/v1/auth/login')
      .set('X-Tenant-ID', 'flood')
      .set('X-Forwarded-For', '203.0.113.9')
      .send({ email: 'user0@flood.test', password: TEST_PASSWORD })
      .expect(200);
  });

  it('opens public routes despite a bearer token', async () => {
    // Many clients send their Authorization header on every request, refresh and login included.
    const withToken = (path: string) =>
      t.http
        .post(`/api/v1${path}`)
        .set('X-Tenant-ID', 'flood')
        .set('X-Forwarded-For', '203.0.113.21')
        .set('Authorization', `Bearer ${tokens['flood1']!}`);
    const login = await withToken('/auth/login').send({ email: 'user1@flood.test', password: TEST_PASSWORD });
    expect(login.status).toBe(200);
    const refresh = await withToken('/auth/refresh').send({ refreshToken: login.body.refreshToken });
    expect(refresh.status).toBe(200);
  });

  it('leaves an API key to authentication', async () => {
    const unknownKey = `mak_${'A'.repeat(43)}`;
    const response = await list('flood', 'unused')
      .unset('Authorization')
      .set('X-Api-Key', unknownKey)
      .set('X-Forwarded-For', '203.0.113.22');
    expect(response.status).toBe(401);
  });

  it('throttles one client within its tenant', async () => {
    const first: number[] = [];
    for (let index = 0; index < CLIENT_LIMIT + 1; index += 1)
      first.push((await list('clients', tokens['first']!)).status);
    expect(first).toEqual([...Array(CLIENT_LIMIT).fill(200), 429]);
    expect((await list('clients', tokens['second']!)).status).toBe(200);
  });

  it('limits logins per account across addresses', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < LOGIN_LIMIT + 1; index += 1) {
      statuses.push(
        (await login('clients', 'locked@clients.test', `198.51.100.${index + 1}`)).status,
      );
    }
    expect(statuses).toEqual([...Array(LOGIN_LIMIT).fill(401), 429]);
  });

  it('limits logins per address across accounts', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < LOGIN_LIMIT + 1; index += 1) {
      statuses.push((await login('calm', `nobody${index}@calm.test`, '203.0.113.7')).status);
    }
    expect(statuses).toEqual([...Array(LOGIN_LIMIT).fill(401), 429]);
    expect((await login('calm', 'someone@calm.test', '203.0.113.8')).status).toBe(401);
  });

  it('still lets the right password in elsewhere', async () => {
    const response = await t.http
      .post('/api/v1/auth/login')
      .set('X-Tenant-ID', 'calm')
      .set('X-Forwarded-For', '192.0.2.44')
      .send({ email: 'user0@calm.test', password: TEST_PASSWORD });
    expect(response.status).toBe(200);
  });

  it('never limits the health probes', async () => {
    for (let index = 0; index < CLIENT_LIMIT + 2; index += 1) {
      await t.http.get('/health/live').expect(200);
    }
  });
});

describe('limits per user and per address', () => {
  let t: TestApp;
  const sessions: string[] = [];
  let otherToken: string;
  let neighbourToken: string;
  let steadyToken: string;
  const GUESSED_KEY = `mak_${'A'.repeat(43)}`;

  const list = (token: string, forwardedFor?: string) => {
    const request = t.http
      .get('/api/v1/tickets')
      .set('X-Tenant-ID', 'sessions')
      .set('Authorization', `Bearer ${token}`);
    if (forwardedFor !== undefined) request.set('X-Forwarded-For', forwardedFor);
    return request;
  };
  const withGuessedKey = (forwardedFor: string) =>
    t.http
      .get('/api/v1/tickets')
      .set('X-Tenant-ID', 'sessions')
      .set('X-Forwarded-For', forwardedFor)
      .set('X-Api-Key', GUESSED_KEY);
  const withInvalidBearer = (forwardedFor: string) =>
    t.http
      .get('/api/v1/tickets')
      .set('X-Tenant-ID', 'sessions')
      .set('X-Forwarded-For', forwardedFor)
      .set('Authorization', 'Bearer not-a-valid-token');
  /** Logs in from its own address, so that the logins never reach an address limit. */
  const loginFrom = async (email: string, forwardedFor: string): Promise<string> => {
    const response = await t.http
      .post('/api/v1/auth/login')
      .set('X-Tenant-ID', 'sessions')
      .set('X-Forwarded-For', forwardedFor)
      .send({ email, password: TEST_PASSWORD })
      .expect(200);
    return (response.body as { accessToken: string }).accessToken;
  };

  beforeAll(async () => {
    t = await startTestApp({
      MASALA_RATE_LIMIT_PER_MINUTE: '1000',
      MASALA_CLIENT_RATE_LIMIT_PER_MINUTE: String(CLIENT_LIMIT),
      MASALA_LOGIN_RATE_LIMIT_PER_MINUTE: '100',
      MASALA_TRUSTED_PROXIES: 'loopback',
    });
    // Four client allowances: fewer requests than the first test sends from one user.
    const tenant = await createTenantWithSettings(t, 'sessions', {
      rateLimitPerMinute: 4 * CLIENT_LIMIT,
    });
    await t.createUser(tenant, 'many@sessions.test', ['Customer']);
    await t.createUser(tenant, 'other@sessions.test', ['Employee']);
    await t.createUser(tenant, 'neighbour@sessions.test', ['Employee']);
    await t.createUser(tenant, 'steady@sessions.test', ['Employee']);
    for (let index = 0; index < 3; index += 1) {
      sessions.push(await loginFrom('many@sessions.test', `192.0.2.${index + 1}`));
    }
    otherToken = await loginFrom('other@sessions.test', '192.0.2.10');
    neighbourToken = await loginFrom('neighbour@sessions.test', '192.0.2.11');
    steadyToken = await loginFrom('steady@sessions.test', '192.0.2.12');
  });

  afterAll(async () => {
    await t.close();
  });

  it('counts all sessions of a user as one client', async () => {
    const statuses: number[] = [];
    const scopes: unknown[] = [];
    for (let index = 0; index < 6 * CLIENT_LIMIT; index += 1) {
      const response = await list(sessions[index % sessions.length]!);
      statuses.push(response.status);
      if (response.status === 429) scopes.push((response.body as { scope?: unknown }).scope);
    }
    expect(statuses.slice(0, CLIENT_LIMIT)).toEqual(Array(CLIENT_LIMIT).fill(200));
    expect(statuses.slice(CLIENT_LIMIT)).toEqual(Array(5 * CLIENT_LIMIT).fill(429));
    expect(new Set(scopes)).toEqual(new Set(['client']));
  });

  it('leaves the tenant budget to other users', async () => {
    // The throttled user sent six times its limit, more than the tenant's limit, so this
    // passes only if requests rejected by the client limit were not counted for the tenant.
    const statuses: number[] = [];
    for (let index = 0; index < CLIENT_LIMIT; index += 1) {
      statuses.push((await list(otherToken)).status);
    }
    expect(statuses).toEqual(Array(CLIENT_LIMIT).fill(200));
  });

  it('limits guessed API keys per address', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < CLIENT_LIMIT + 2; index += 1) {
      statuses.push((await withGuessedKey('198.51.100.20')).status);
    }
    expect(statuses).toEqual([...Array(CLIENT_LIMIT).fill(401), 429, 429]);

    const response = await withGuessedKey('198.51.100.20').expect(429);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(response.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect((response.body as { scope?: unknown }).scope).toBe('address');
  });

  it('limits invalid bearer tokens per address', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < CLIENT_LIMIT + 2; index += 1) {
      statuses.push((await withInvalidBearer('198.51.100.21')).status);
    }
    expect(statuses).toEqual([...Array(CLIENT_LIMIT).fill(401), 429, 429]);
  });

  it('checks no credential from an address over its limit', async () => {
    // Rejected before authentication, so that a guess cannot be confirmed while throttled.
    const response = await list(neighbourToken, '198.51.100.20');
    expect(response.status).toBe(429);
    expect((response.body as { scope?: unknown }).scope).toBe('address');
  });

  it('keeps other addresses unthrottled', async () => {
    expect((await withGuessedKey('198.51.100.22')).status).toBe(401);
    expect((await list(neighbourToken, '198.51.100.23')).status).toBe(200);
  });

  it('does not count verified requests per address', async () => {
    for (let index = 0; index < CLIENT_LIMIT; index += 1) {
      expect((await list(steadyToken, '198.51.100.24')).status).toBe(200);
    }
    // The address has sent its limit in verified requests and still has its whole allowance.
    const statuses: number[] = [];
    for (let index = 0; index < CLIENT_LIMIT + 1; index += 1) {
      statuses.push((await withGuessedKey('198.51.100.24')).status);
    }
    expect(statuses).toEqual([...Array(CLIENT_LIMIT).fill(401), 429]);
  });

  it('counts missing permissions per address', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < CLIENT_LIMIT + 1; index += 1) {
      const response = await t.http
        .get('/api/v1/audit')
        .set('X-Tenant-ID', 'sessions')
        .set('X-Forwarded-For', '198.51.100.26')
        .set('Authorization', `Bearer ${steadyToken}`);
      statuses.push(response.status);
    }
    expect(statuses).toEqual([...Array(CLIENT_LIMIT).fill(403), 429]);
  });

  it('limits public routes per address', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < CLIENT_LIMIT + 1; index += 1) {
      const response = await t.http
        .post('/api/v1/auth/refresh')
        .set('X-Tenant-ID', 'sessions')
        .set('X-Forwarded-For', '198.51.100.25')
        .send({ refreshToken: 'not-a-valid-refresh-token' });
      statuses.push(response.status);
    }
    expect(statuses.slice(0, CLIENT_LIMIT)).not.toContain(429);
    expect(statuses[CLIENT_LIMIT]).toBe(429);
  });

  it('never limits the health probes of a throttled address', async () => {
    for (let index = 0; index < CLIENT_LIMIT + 2; index += 1) {
      await t.http.get('/health/live').set('X-Forwarded-For', '198.51.100.20').expect(200);
      await t.http.get('/health/ready').set('X-Forwarded-For', '198.51.100.20').expect(200);
    }
  });
});

describe('forwarded addresses without trusted proxies', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ MASALA_LOGIN_RATE_LIMIT_PER_MINUTE: String(LOGIN_LIMIT) });
    await t.createTenant('direct');
  });

  afterAll(async () => {
    await t.close();
  });

  it('ignores X-Forwarded-For from an untrusted peer', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < LOGIN_LIMIT + 1; index += 1) {
      const response = await t.http
        .post('/api/v1/auth/login')
        .set('X-Tenant-ID', 'direct')
        .set('X-Forwarded-For', `198.51.100.${index + 10}`)
        .send({ email: `someone${index}@direct.test`, password: 'wrong-password-for-the-limit' });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([...Array(LOGIN_LIMIT).fill(401), 429]);
  });
});
