import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generate } from 'otplib';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.js';
import type { Tenant } from '#tenancy';
import { createTestDatabase, ensurePostgres, logSkip, type TestDatabase } from '../postgres/support/postgres.js';
import { CapturingMailAdapter, tokenIn } from './support/capturing-mail.js';
import { auditEntries } from './support/identity-helpers.js';

const postgres = await ensurePostgres();
if (!postgres.available) logSkip('identity on PostgreSQL', postgres.reason);
const describePostgres = postgres.available ? describe : describe.skip;

describePostgres('identity on PostgreSQL', () => {
  const mail = new CapturingMailAdapter();
  let database: TestDatabase;
  let t: TestApp;
  let acme: Tenant;
  let adminToken: string;

  const api = (method: 'get' | 'post' | 'patch', path: string, token = adminToken, tenant = 'acme') =>
    t.http[method](`/api/v1${path}`).set('X-Tenant-ID', tenant).set('Authorization', `Bearer ${token}`);

  const login = (email: string, extra: Record<string, string> = {}, password = TEST_PASSWORD) =>
    t.http.post('/api/v1/auth/login').set('X-Tenant-ID', 'acme').send({ email, password, ...extra });

  beforeAll(async () => {
    database = await createTestDatabase();
    t = await startTestApp({ ...database.env, MASALA_LOCKOUT_THRESHOLD: '3' }, { mail });
    acme = await t.createTenant('acme');
    await t.createTenant('globex');
    await t.createUser(acme, 'admin@acme.test', ['Admin']);
    adminToken = await t.login('acme', 'admin@acme.test');
  });

  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  it('runs the invitation round trip', async () => {
    await api('post', '/users').send({ email: 'invitee@acme.test', roles: ['Customer'] }).expect(201);
    const token = tokenIn(await mail.next((message) => message.to === 'invitee@acme.test'));
    await t.http
      .post('/api/v1/auth/accept-invitation')
      .set('X-Tenant-ID', 'acme')
      .send({ token, password: 'a-postgres-passphrase-1' })
      .expect(204);
    await login('invitee@acme.test', {}, 'a-postgres-passphrase-1').expect(200);
  });

  it('resets a password once', async () => {
    await t.createUser(acme, 'reset@acme.test', ['Employee']);
    const before = mail.messages.length;
    await t.http.post('/api/v1/auth/password-reset/request').set('X-Tenant-ID', 'acme').send({ email: 'reset@acme.test' }).expect(202);
    const token = tokenIn(await mail.nextTo('reset@acme.test', 'password_reset', before));
    const confirm = () =>
      t.http.post('/api/v1/auth/password-reset/confirm').set('X-Tenant-ID', 'acme').send({ token, newPassword: 'a-postgres-passphrase-2' });
    await confirm().expect(204);
    await confirm().expect(400);
  });

  it('locks and audits the lock', async () => {
    const userId = await t.createUser(acme, 'locked@acme.test', ['Employee']);
    for (let attempt = 0; attempt < 3; attempt += 1) await login('locked@acme.test', {}, `wrong-${attempt}-password`).expect(401);
    await login('locked@acme.test').expect(401);
    const actions = (await auditEntries(t, 'acme', adminToken, { entityId: userId })).map((entry) => entry.action);
    expect(actions).toContain('auth.account_locked');
  });

  it('enrols and signs in with a second factor', async () => {
    await t.createUser(acme, 'totp@acme.test', ['Employee']);
    const token = await t.login('acme', 'totp@acme.test');
    const setup = await api('post', '/auth/2fa/setup', token).expect(200);
    const secret = setup.body.secret as string;
    const enabled = await api('post', '/auth/2fa/enable', token).send({ code: await generate({ secret }) }).expect(200);
    await login('totp@acme.test').expect(401);
    const code = await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    await login('totp@acme.test', { otp: code }).expect(200);
    await login('totp@acme.test', { recoveryCode: (enabled.body.recoveryCodes as string[])[0]! }).expect(200);
  });

  it('authenticates an API key in its tenant only', async () => {
    const created = await api('post', '/api-keys').send({ name: 'pg', permissions: ['tickets.read'] }).expect(201);
    const key = created.body.key as string;
    await t.http.get('/api/v1/tickets').set('X-Tenant-ID', 'acme').set('X-Api-Key', key).expect(200);
    await t.http.get('/api/v1/tickets').set('X-Tenant-ID', 'globex').set('X-Api-Key', key).expect(401);
  });

  it('bounds an API key chain by its creator', async () => {
    const withKey = (method: 'get' | 'post', path: string, key: string) =>
      t.http[method](`/api/v1${path}`).set('X-Tenant-ID', 'acme').set('X-Api-Key', key);
    await api('post', '/users').send({ email: 'keymaker@acme.test', roles: ['Admin'], password: TEST_PASSWORD }).expect(201);
    const keymaker = await t.login('acme', 'keymaker@acme.test');
    const keymakerId = ((await api('get', '/me', keymaker).expect(200)).body as { id: string }).id;
    const parent = await api('post', '/api-keys', keymaker).send({ name: 'parent', permissions: ['api_keys.manage', 'users.manage'] }).expect(201);
    const child = await withKey('post', '/api-keys', parent.body.key as string).send({ name: 'child', permissions: ['users.manage'] }).expect(201);
    expect(child.body).toMatchObject({ creatorUserId: keymakerId, parentKeyId: parent.body.id as string });
    const childKey = child.body.key as string;
    await withKey('get', '/users', childKey).expect(200);

    await api('patch', `/users/${keymakerId}`).send({ roles: ['Employee'] }).expect(200);
    await withKey('get', '/users', childKey).expect(403);
    await api('patch', `/users/${keymakerId}`).send({ roles: ['Admin'] }).expect(200);
    await withKey('get', '/users', childKey).expect(200);

    await t.http.delete(`/api/v1/api-keys/${parent.body.id as string}`).set('X-Tenant-ID', 'acme').set('Authorization', `Bearer ${adminToken}`).expect(204);
    await withKey('get', '/users', childKey).expect(401);
  });

  it('pages through users', async () => {
    for (let index = 0; index < 3; index += 1) await t.createUser(acme, `page-${index}@acme.test`, ['Customer']);
    const first = await api('get', '/users?limit=2').expect(200);
    const second = await api('get', `/users?limit=2&cursor=${first.body.nextCursor as string}`).expect(200);
    const ids = [...first.body.data, ...second.body.data].map((user: { id: string }) => user.id);
    expect(new Set(ids).size).toBe(4);
  });
});
