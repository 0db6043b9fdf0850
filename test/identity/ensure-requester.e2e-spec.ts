import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { EnsureRequesterCommand, MasalaException, RequestContext, type Actor } from '#kernel';
import type { Tenant } from '#tenancy';
import { CapturingMailAdapter, tokenIn } from './support/capturing-mail.js';
import { auditEntries } from './support/identity-helpers.js';

const INTAKE_KEY: Actor = { type: 'api_key', id: 'intake-key', roles: [] };

describe('EnsureRequesterCommand', () => {
  const mail = new CapturingMailAdapter();
  let t: TestApp;
  let acme: Tenant;
  let globex: Tenant;
  let adminToken: string;

  const ensure = (tenant: Tenant, email: string, displayName?: string) =>
    RequestContext.run({ correlationId: `test-${crypto.randomUUID()}`, tenantId: tenant.id }, () =>
      t.app.get(CommandBus).execute(new EnsureRequesterCommand(tenant.id, INTAKE_KEY, { email, displayName })),
    );

  beforeAll(async () => {
    t = await startTestApp({}, { mail });
    acme = await t.createTenant('acme');
    globex = await t.createTenant('globex');
    await t.createUser(acme, 'admin@acme.test', ['Admin']);
    adminToken = await t.login('acme', 'admin@acme.test');
  });

  afterAll(async () => {
    await t.close();
  });

  it('creates a Customer without a password', async () => {
    const result = await ensure(acme, 'Walk.In@Example.test', 'Walk In');
    expect(result.created).toBe(true);

    const user = await t.http
      .get(`/api/v1/users/${result.userId}`)
      .set('X-Tenant-ID', 'acme')
      .set('Authorization', `Bearer ${adminToken}`)
      .expect(200);
    expect(user.body).toMatchObject({
      email: 'walk.in@example.test',
      displayName: 'Walk In',
      roles: ['Customer'],
      status: 'active',
      hasPassword: false,
    });
    const [entry] = await auditEntries(t, 'acme', adminToken, { entityId: result.userId, action: 'user.created' });
    expect(entry?.actor).toEqual({ type: 'api_key', id: 'intake-key' });
    expect(entry?.newValues).toMatchObject({ source: 'intake', roles: ['Customer'] });
  });

  it('finds the same requester again', async () => {
    const first = await ensure(acme, 'repeat@example.test');
    const second = await ensure(acme, '  REPEAT@example.test ');
    expect(second).toEqual({ userId: first.userId, created: false });
  });

  it('finds an existing account of any role', async () => {
    const adminId = (
      await t.http.get('/api/v1/me').set('X-Tenant-ID', 'acme').set('Authorization', `Bearer ${adminToken}`).expect(200)
    ).body.id as string;
    expect(await ensure(acme, 'admin@acme.test')).toEqual({ userId: adminId, created: false });
  });

  it('keeps requesters apart per tenant', async () => {
    const inAcme = await ensure(acme, 'both@example.test');
    const inGlobex = await ensure(globex, 'both@example.test');
    expect(inGlobex.created).toBe(true);
    expect(inGlobex.userId).not.toBe(inAcme.userId);
  });

  it('cannot sign in until a reset', async () => {
    await ensure(acme, 'later@example.test');
    const attempt = await t.http
      .post('/api/v1/auth/login')
      .set('X-Tenant-ID', 'acme')
      .send({ email: 'later@example.test', password: 'any-password-at-all' })
      .expect(401);
    expect(attempt.body.detail).toBe('Invalid credentials');

    const before = mail.messages.length;
    await t.http.post('/api/v1/auth/password-reset/request').set('X-Tenant-ID', 'acme').send({ email: 'later@example.test' }).expect(202);
    const token = tokenIn(await mail.nextTo('later@example.test', 'password_reset', before));
    await t.http
      .post('/api/v1/auth/password-reset/confirm')
      .set('X-Tenant-ID', 'acme')
      .send({ token, newPassword: 'my-first-real-passphrase' })
      .expect(204);
    await t.http
      .post('/api/v1/auth/login')
      .set('X-Tenant-ID', 'acme')
      .send({ email: 'later@example.test', password: 'my-first-real-passphrase' })
      .expect(200);
  });

  it('rejects an invalid address', async () => {
    const attempt = ensure(acme, 'not an address');
    await expect(attempt).rejects.toBeInstanceOf(MasalaException);
    await expect(attempt).rejects.toMatchObject({ details: { errors: [{ field: 'email', rule: 'email' }] } });
  });
});
