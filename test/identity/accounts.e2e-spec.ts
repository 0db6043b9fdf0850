import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { Tenant } from '#tenancy';
import { UserToken } from '../../libs/identity/src/domain/user-token.entity.js';
import { TEST_PASSWORD, startTestApp, type TestApp } from '../support/test-app.js';
import { ConfigFolder, MINIMAL_FIXTURE } from '../configuration/support/config-folder.js';
import { edit } from '../configuration/support/configs.js';
import { CapturingMailAdapter, tokenIn } from './support/capturing-mail.js';
import { PAST, auditEntries, withoutCorrelation, writeAsTenant, type ProblemBody } from './support/identity-helpers.js';

type UserBody = { id: string; email: string; status: string; roles: string[]; locked: boolean; version: number; invitationSent?: boolean };

describe('user accounts', () => {
  const mail = new CapturingMailAdapter();
  let t: TestApp;
  let acme: Tenant;
  let adminId: string;
  let adminToken: string;
  let employeeToken: string;

  const asAdmin = (method: 'get' | 'post' | 'patch', path: string) =>
    t.http[method](`/api/v1${path}`).set('X-Tenant-ID', 'acme').set('Authorization', `Bearer ${adminToken}`);

  const login = (email: string, password = TEST_PASSWORD) =>
    t.http.post('/api/v1/auth/login').set('X-Tenant-ID', 'acme').send({ email, password });

  beforeAll(async () => {
    t = await startTestApp({}, { mail });
    acme = await t.createTenant('acme');
    const globex = await t.createTenant('globex');
    adminId = await t.createUser(acme, 'admin@acme.test', ['Admin']);
    await t.createUser(acme, 'agent@acme.test', ['Employee']);
    await t.createUser(globex, 'admin@globex.test', ['Admin']);
    adminToken = await t.login('acme', 'admin@acme.test');
    employeeToken = await t.login('acme', 'agent@acme.test');
  });

  afterAll(async () => {
    await t.close();
  });

  it('creates an active user with a password', async () => {
    const response = await asAdmin('post', '/users')
      .send({ email: 'Direct@Acme.test', displayName: 'Dee Rect', roles: ['Employee'], password: 'a-long-enough-passphrase-1' })
      .expect(201);
    const user = response.body as UserBody;
    expect(user.status).toBe('active');
    expect(user.email).toBe('direct@acme.test');
    expect(response.headers.location).toBe(`/api/v1/users/${user.id}`);
    expect(response.headers.etag).toBe(`"${user.version}"`);
    expect(JSON.stringify(response.body)).not.toMatch(/argon2|passwordHash/);
    await login('direct@acme.test', 'a-long-enough-passphrase-1').expect(200);
  });

  it('rejects a short password on creation', async () => {
    const response = await asAdmin('post', '/users')
      .send({ email: 'short@acme.test', roles: ['Employee'], password: 'short-pass' })
      .expect(400);
    const rules = (response.body as ProblemBody).errors.map((error) => `${error.field}:${error.rule}`);
    expect(rules).toContain('password:min_length');
  });

  it('rejects a common password on creation', async () => {
    const response = await asAdmin('post', '/users')
      .send({ email: 'common@acme.test', roles: ['Employee'], password: 'password1234' })
      .expect(400);
    const rules = (response.body as ProblemBody).errors.map((error) => `${error.field}:${error.rule}`);
    expect(rules).toContain('password:common_password');
  });

  it('rejects an unknown role', async () => {
    const response = await asAdmin('post', '/users').send({ email: 'role@acme.test', roles: ['Overlord'] }).expect(400);
    expect((response.body as ProblemBody).errors[0]).toMatchObject({ field: 'roles', rule: 'role' });
  });

  it('rejects a duplicate e-mail address', async () => {
    const response = await asAdmin('post', '/users').send({ email: 'AGENT@acme.test', roles: ['Employee'] }).expect(409);
    expect((response.body as ProblemBody).errors[0]).toMatchObject({ field: 'email', rule: 'unique' });
  });

  it('rejects properties the route does not define', async () => {
    const response = await asAdmin('post', '/users')
      .send({ email: 'extra@acme.test', roles: ['Employee'], tenantId: 'globex', passwordHash: 'x', status: 'active' })
      .expect(400);
    const fields = (response.body as ProblemBody).errors.map((error) => error.field).sort();
    expect(fields).toEqual(['passwordHash', 'status', 'tenantId']);
  });

  it('invites a user who accepts once', async () => {
    const created = await asAdmin('post', '/users').send({ email: 'invitee@acme.test', roles: ['Customer'] }).expect(201);
    const user = created.body as UserBody;
    expect(user.status).toBe('invited');
    expect(user.invitationSent).toBe(true);

    const message = await mail.next((sent) => sent.to === 'invitee@acme.test' && sent.template === 'invitation');
    const token = tokenIn(message);
    expect(message.tenantId).toBe(acme.id);
    await login('invitee@acme.test', 'whatever-she-types-1').expect(401);

    const weak = await t.http
      .post('/api/v1/auth/accept-invitation')
      .set('X-Tenant-ID', 'acme')
      .send({ token, password: 'qwertyuiop12' })
      .expect(400);
    expect((weak.body as ProblemBody).errors[0]).toMatchObject({ field: 'password', rule: 'common_password' });

    await t.http
      .post('/api/v1/auth/accept-invitation')
      .set('X-Tenant-ID', 'acme')
      .send({ token, password: 'my-own-good-passphrase-9' })
      .expect(204);
    await login('invitee@acme.test', 'my-own-good-passphrase-9').expect(200);

    const again = await t.http
      .post('/api/v1/auth/accept-invitation')
      .set('X-Tenant-ID', 'acme')
      .send({ token, password: 'another-good-passphrase-9' })
      .expect(400);
    expect((again.body as ProblemBody).errors[0]).toMatchObject({ field: 'token', rule: 'valid_token' });
  });

  it('rejects an invitation on another tenant', async () => {
    await asAdmin('post', '/users').send({ email: 'wanderer@acme.test', roles: ['Customer'] }).expect(201);
    const token = tokenIn(await mail.next((sent) => sent.to === 'wanderer@acme.test'));
    await t.http
      .post('/api/v1/auth/accept-invitation')
      .set('X-Tenant-ID', 'globex')
      .send({ token, password: 'my-own-good-passphrase-9' })
      .expect(400);
  });

  it('rejects an expired invitation', async () => {
    const created = await asAdmin('post', '/users').send({ email: 'late@acme.test', roles: ['Customer'] }).expect(201);
    const token = tokenIn(await mail.next((sent) => sent.to === 'late@acme.test'));
    await writeAsTenant(t, acme.id, (manager) =>
      manager.update(UserToken, { tenantId: acme.id, userId: (created.body as UserBody).id }, { expiresAt: PAST }),
    );
    const response = await t.http
      .post('/api/v1/auth/accept-invitation')
      .set('X-Tenant-ID', 'acme')
      .send({ token, password: 'my-own-good-passphrase-9' })
      .expect(400);
    expect((response.body as ProblemBody).errors[0]).toMatchObject({ field: 'token', rule: 'valid_token' });
  });

  it('resends an invitation and retires the first', async () => {
    const created = await asAdmin('post', '/users').send({ email: 'resend@acme.test', roles: ['Customer'] }).expect(201);
    const id = (created.body as UserBody).id;
    const first = tokenIn(await mail.next((sent) => sent.to === 'resend@acme.test'));
    const before = mail.messages.length;

    await asAdmin('post', `/users/${id}/invitation`).expect(200);
    const second = tokenIn(await mail.nextTo('resend@acme.test', 'invitation', before));
    expect(second).not.toBe(first);

    await t.http
      .post('/api/v1/auth/accept-invitation')
      .set('X-Tenant-ID', 'acme')
      .send({ token: first, password: 'my-own-good-passphrase-9' })
      .expect(400);
    await t.http
      .post('/api/v1/auth/accept-invitation')
      .set('X-Tenant-ID', 'acme')
      .send({ token: second, password: 'my-own-good-passphrase-9' })
      .expect(204);
    await asAdmin('post', `/users/${id}/invitation`).expect(409);
  });

  it('lists users a page at a time', async () => {
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const response = await asAdmin('get', `/users?limit=2${query}`).expect(200);
      const body = response.body as { data: UserBody[]; nextCursor: string | null };
      expect(body.data.length).toBeLessThanOrEqual(2);
      for (const user of body.data) seen.add(user.email);
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor && pages < 50);
    expect(seen).toContain('admin@acme.test');
    expect(seen).toContain('agent@acme.test');
    expect(seen).not.toContain('admin@globex.test');
  });

  it('finds a user by e-mail address', async () => {
    const response = await asAdmin('get', '/users?email=Agent@ACME.test').expect(200);
    const emails = (response.body as { data: UserBody[] }).data.map((user) => user.email);
    expect(emails).toEqual(['agent@acme.test']);
  });

  it('hides a user of another tenant', async () => {
    const globexUsers = await t.http
      .get('/api/v1/users')
      .set('X-Tenant-ID', 'globex')
      .set('Authorization', `Bearer ${await t.login('globex', 'admin@globex.test')}`)
      .expect(200);
    const foreignId = (globexUsers.body as { data: UserBody[] }).data[0]!.id;
    const foreign = await asAdmin('get', `/users/${foreignId}`).expect(404);
    const missing = await asAdmin('get', `/users/${crypto.randomUUID()}`).expect(404);
    expect(withoutCorrelation(foreign.body as Record<string, unknown>)).toEqual(
      withoutCorrelation(missing.body as Record<string, unknown>),
    );
    await asAdmin('patch', `/users/${foreignId}`).send({ status: 'disabled' }).expect(404);
  });

  it('disables and enables a user', async () => {
    const id = await t.createUser(acme, 'toggle@acme.test', ['Employee']);
    const disabled = await asAdmin('patch', `/users/${id}`).send({ status: 'disabled' }).expect(200);
    expect((disabled.body as UserBody).status).toBe('disabled');

    const refused = await login('toggle@acme.test').expect(401);
    const wrong = await login('agent@acme.test', 'not-the-password-at-all').expect(401);
    expect(withoutCorrelation(refused.body as Record<string, unknown>)).toEqual(
      withoutCorrelation(wrong.body as Record<string, unknown>),
    );

    await asAdmin('patch', `/users/${id}`).send({ status: 'active' }).expect(200);
    await login('toggle@acme.test').expect(200);

    const actions = (await auditEntries(t, 'acme', adminToken, { entityId: id })).map((entry) => entry.action);
    expect(actions).toContain('user.disabled');
    expect(actions).toContain('user.enabled');
  });

  it('audits a role change with old and new roles', async () => {
    const id = await t.createUser(acme, 'promoted@acme.test', ['Customer']);
    const response = await asAdmin('patch', `/users/${id}`).send({ roles: ['Employee', 'Customer'] }).expect(200);
    expect((response.body as UserBody).roles).toEqual(['Employee', 'Customer']);

    const [entry] = await auditEntries(t, 'acme', adminToken, { entityId: id, action: 'user.role_changed' });
    expect(entry?.oldValues).toEqual({ roles: ['Customer'] });
    expect(entry?.newValues).toEqual({ roles: ['Employee', 'Customer'] });
    expect(entry?.actor).toEqual({ type: 'user', id: adminId });

    const token = await t.login('acme', 'promoted@acme.test');
    const me = await t.http.get('/api/v1/me').set('X-Tenant-ID', 'acme').set('Authorization', `Bearer ${token}`).expect(200);
    expect(me.body.permissions).toContain('tickets.read_all');
  });

  it('rejects disabling yourself', async () => {
    await asAdmin('patch', `/users/${adminId}`).send({ status: 'disabled' }).expect(409);
  });

  it('rejects changing your own roles', async () => {
    for (const roles of [['Admin', 'ComplianceOfficer'], ['Employee'], ['ComplianceOfficer']]) {
      const response = await asAdmin('patch', `/users/${adminId}`).send({ roles }).expect(403);
      expect((response.body as ProblemBody).errors[0]).toMatchObject({ field: 'roles', rule: 'self_role_change' });
    }
    const current = await asAdmin('get', `/users/${adminId}`).expect(200);
    expect((current.body as UserBody).roles).toEqual(['Admin']);
    await asAdmin('patch', `/users/${adminId}`).send({ roles: ['Admin'], displayName: 'Same roles' }).expect(200);
  });

  it('rejects own role change through a key', async () => {
    const created = await asAdmin('post', '/api-keys').send({ name: 'self', permissions: ['users.manage'] }).expect(201);
    const response = await t.http
      .patch(`/api/v1/users/${adminId}`)
      .set('X-Tenant-ID', 'acme')
      .set('X-Api-Key', created.body.key as string)
      .send({ roles: ['Admin', 'ComplianceOfficer'] })
      .expect(403);
    expect((response.body as ProblemBody).errors[0]).toMatchObject({ field: 'roles', rule: 'self_role_change' });
  });

  it('lets another Admin change your roles', async () => {
    const second = await t.createUser(acme, 'second.admin@acme.test', ['Admin']);
    const secondToken = await t.login('acme', 'second.admin@acme.test');
    await t.http
      .patch(`/api/v1/users/${adminId}`)
      .set('X-Tenant-ID', 'acme')
      .set('Authorization', `Bearer ${secondToken}`)
      .send({ roles: ['Admin', 'ComplianceOfficer'] })
      .expect(200);
    const [entry] = await auditEntries(t, 'acme', adminToken, { entityId: adminId, action: 'user.role_changed' });
    expect(entry?.actor).toEqual({ type: 'user', id: second });
    expect(entry?.newValues).toEqual({ roles: ['Admin', 'ComplianceOfficer'] });
  });

  it('rejects a stale If-Match', async () => {
    const id = await t.createUser(acme, 'versioned@acme.test', ['Employee']);
    const current = await asAdmin('get', `/users/${id}`).expect(200);
    const etag = current.headers.etag as string;
    await asAdmin('patch', `/users/${id}`).set('If-Match', etag).send({ displayName: 'First' }).expect(200);
    await asAdmin('patch', `/users/${id}`).set('If-Match', etag).send({ displayName: 'Second' }).expect(412);
  });

  it('rejects an empty or invalid update', async () => {
    const id = await t.createUser(acme, 'empty@acme.test', ['Employee']);
    await asAdmin('patch', `/users/${id}`).send({}).expect(400);
    const invited = await asAdmin('patch', `/users/${id}`).send({ status: 'invited' }).expect(400);
    expect((invited.body as ProblemBody).errors[0]?.field).toBe('status');
    await asAdmin('patch', `/users/${id}`).send({ locked: true }).expect(400);
  });

  it('forbids user management to an Employee', async () => {
    for (const [method, path] of [
      ['get', '/users'],
      ['post', '/users'],
      ['patch', `/users/${adminId}`],
    ] as const) {
      await t.http[method](`/api/v1${path}`)
        .set('X-Tenant-ID', 'acme')
        .set('Authorization', `Bearer ${employeeToken}`)
        .send({})
        .expect(403);
    }
  });
});

describe('the last active Admin', () => {
  const config = ConfigFolder.withRoot(
    edit(
      readFileSync(MINIMAL_FIXTURE, 'utf8'),
      '    workItemTypes:\n',
      '    roles:\n      - code: "UserManager"\n        display_name: "User manager"\n        permissions: ["users.manage"]\n    workItemTypes:\n',
    ),
  );
  let t: TestApp;
  let solo: Tenant;
  let managerToken: string;

  const asManager = (id: string, body: Record<string, unknown>) =>
    t.http.patch(`/api/v1/users/${id}`).set('X-Tenant-ID', 'solo').set('Authorization', `Bearer ${managerToken}`).send(body);

  beforeAll(async () => {
    t = await startTestApp({ MASALA_CONFIG_PATH: config.path });
    solo = await t.createTenant('solo');
    await t.createUser(solo, 'manager@solo.test', ['UserManager']);
    managerToken = await t.login('solo', 'manager@solo.test');
  });

  afterAll(async () => {
    await t.close();
    config.remove();
  });

  it('cannot lose the Admin role', async () => {
    const first = await t.createUser(solo, 'first@solo.test', ['Admin']);
    const last = await t.createUser(solo, 'last@solo.test', ['Admin']);
    await asManager(first, { roles: ['Employee'] }).expect(200);

    const response = await asManager(last, { roles: ['Employee'] }).expect(409);
    expect((response.body as ProblemBody).errors[0]).toMatchObject({ field: 'roles', rule: 'last_admin' });
    const current = await t.http.get(`/api/v1/users/${last}`).set('X-Tenant-ID', 'solo').set('Authorization', `Bearer ${managerToken}`).expect(200);
    expect((current.body as UserBody).roles).toEqual(['Admin']);

    await asManager(first, { roles: ['Admin'] }).expect(200);
    await asManager(last, { roles: ['Employee'] }).expect(200);
    await asManager(last, { roles: ['Admin'] }).expect(200);
  });

  it('cannot be disabled', async () => {
    const users = (await t.http.get('/api/v1/users?status=active').set('X-Tenant-ID', 'solo').set('Authorization', `Bearer ${managerToken}`).expect(200))
      .body as { data: UserBody[] };
    const admins = users.data.filter((user) => user.roles.includes('Admin'));
    expect(admins).toHaveLength(2);
    await asManager(admins[0]!.id, { status: 'disabled' }).expect(200);

    const response = await asManager(admins[1]!.id, { status: 'disabled' }).expect(409);
    expect((response.body as ProblemBody).errors[0]).toMatchObject({ field: 'status', rule: 'last_admin' });
    const demoted = await asManager(admins[1]!.id, { roles: ['Employee'] }).expect(409);
    expect((demoted.body as ProblemBody).errors[0]).toMatchObject({ field: 'roles', rule: 'last_admin' });
  });

  it('rejects a manager granting themselves Admin', async () => {
    const me = await t.http.get('/api/v1/me').set('X-Tenant-ID', 'solo').set('Authorization', `Bearer ${managerToken}`).expect(200);
    const response = await asManager(me.body.id as string, { roles: ['UserManager', 'Admin'] }).expect(403);
    expect((response.body as ProblemBody).errors[0]).toMatchObject({ field: 'roles', rule: 'self_role_change' });
  });
});
