import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { RequestContext, SYSTEM_ACTOR } from '#kernel';
import { CreateTenantCommand } from '#tenancy';
import { startTestApp, type TestApp } from '../support/test-app.js';

const INSTANCE_ORIGIN = 'https://app.example.org';
const TENANT_ORIGIN = 'https://portal.alpha.example';

function varyOf(headers: Record<string, string | undefined>): string[] {
  return (headers['vary'] ?? '').split(',').map((name) => name.trim().toLowerCase());
}

function allowHeadersOf(headers: Record<string, string | undefined>): string[] {
  return Object.keys(headers).filter((name) => name.startsWith('access-control-allow'));
}

describe('CORS', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      MASALA_CORS_ORIGINS: INSTANCE_ORIGIN,
      MASALA_BASE_DOMAIN: 'masala.test',
    });
    const commands = t.app.get(CommandBus);
    await RequestContext.run({ correlationId: 'cors-test', system: true }, async () => {
      await commands.execute(
        new CreateTenantCommand(
          { slug: 'alpha', name: 'Alpha', settings: { corsOrigins: [TENANT_ORIGIN] } },
          SYSTEM_ACTOR,
        ),
      );
      await commands.execute(new CreateTenantCommand({ slug: 'beta', name: 'Beta' }, SYSTEM_ACTOR));
    });
  });

  afterAll(async () => {
    await t.close();
  });

  it('echoes an instance origin exactly', async () => {
    const response = await t.http.get('/health/live').set('Origin', INSTANCE_ORIGIN).expect(200);
    expect(response.headers['access-control-allow-origin']).toBe(INSTANCE_ORIGIN);
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
    expect(varyOf(response.headers)).toContain('origin');
  });

  it('adds no header for an unlisted origin', async () => {
    const response = await t.http
      .get('/health/live')
      .set('Origin', 'https://evil.example')
      .expect(200);
    expect(allowHeadersOf(response.headers)).toEqual([]);
    expect(varyOf(response.headers)).toContain('origin');
  });

  it('never allows the null origin', async () => {
    const plain = await t.http.get('/health/live').set('Origin', 'null').expect(200);
    expect(allowHeadersOf(plain.headers)).toEqual([]);
    const tenant = await t.http
      .get('/health/live')
      .set('Host', 'alpha.masala.test')
      .set('Origin', 'null')
      .expect(200);
    expect(allowHeadersOf(tenant.headers)).toEqual([]);
  });

  it('rejects origins that only look alike', async () => {
    for (const origin of [
      `${INSTANCE_ORIGIN}.evil.example`,
      'http://app.example.org',
      `${INSTANCE_ORIGIN}:8443`,
    ]) {
      const response = await t.http.get('/health/live').set('Origin', origin).expect(200);
      expect({ origin, headers: allowHeadersOf(response.headers) }).toEqual({
        origin,
        headers: [],
      });
    }
  });

  it('sends Vary without an Origin header', async () => {
    const response = await t.http.get('/health/live').expect(200);
    expect(varyOf(response.headers)).toContain('origin');
  });

  it('allows a preflight from an instance origin', async () => {
    const response = await t.http
      .options('/api/v1/tickets')
      .set('Origin', INSTANCE_ORIGIN)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization, content-type, x-tenant-id')
      .expect(204);
    expect(response.headers['access-control-allow-origin']).toBe(INSTANCE_ORIGIN);
    expect(response.headers['access-control-allow-methods']).toContain('POST');
    expect(response.headers['access-control-allow-headers']).toBe(
      'authorization, content-type, x-tenant-id',
    );
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('gives an unlisted preflight no allow headers', async () => {
    for (const origin of ['https://evil.example', 'null']) {
      const response = await t.http
        .options('/api/v1/tickets')
        .set('Origin', origin)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization');
      expect({ origin, headers: allowHeadersOf(response.headers) }).toEqual({
        origin,
        headers: [],
      });
    }
  });

  it('refuses a preflight asking for unknown headers', async () => {
    const response = await t.http
      .options('/api/v1/tickets')
      .set('Origin', INSTANCE_ORIGIN)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'x-admin-override')
      .expect(204);
    expect(response.headers['access-control-allow-methods']).toBeUndefined();
    expect(response.headers['access-control-allow-headers']).toBeUndefined();
  });

  it('allows a tenant origin only for that tenant', async () => {
    const alpha = await t.http
      .post('/api/v1/auth/login')
      .set('X-Tenant-ID', 'alpha')
      .set('Origin', TENANT_ORIGIN)
      .send({});
    expect(alpha.headers['access-control-allow-origin']).toBe(TENANT_ORIGIN);
    const beta = await t.http
      .post('/api/v1/auth/login')
      .set('X-Tenant-ID', 'beta')
      .set('Origin', TENANT_ORIGIN)
      .send({});
    expect(allowHeadersOf(beta.headers)).toEqual([]);
    const none = await t.http.get('/health/live').set('Origin', TENANT_ORIGIN);
    expect(allowHeadersOf(none.headers)).toEqual([]);
  });

  it('allows a tenant preflight through the tenant host', async () => {
    const response = await t.http
      .options('/api/v1/tickets')
      .set('Host', 'alpha.masala.test')
      .set('Origin', TENANT_ORIGIN)
      .set('Access-Control-Request-Method', 'GET')
      .expect(204);
    expect(response.headers['access-control-allow-origin']).toBe(TENANT_ORIGIN);
  });
});
