import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import type { Tenant } from '#tenancy';
import { DatabaseRouter } from '#kernel';
import { ApiKey } from '../../libs/identity/src/domain/api-key.entity.js';
import { User } from '../../libs/identity/src/domain/user.entity.js';
import { AddApiKeyCreators1764806400140 } from '../../libs/identity/src/infrastructure/migrations/1764806400140-add-api-key-creators.js';
import { TEST_PASSWORD, startTestApp, type TestApp } from '../support/test-app.js';
import { PAST, auditEntries, readAsTenant, writeAsTenant, type ProblemBody } from './support/identity-helpers.js';

type CreatedKey = {
  id: string;
  key: string;
  prefix: string;
  permissions: string[];
  name: string;
  createdBy: string;
  creatorUserId: string | null;
  parentKeyId: string | null;
};

const INVALID_KEY = 'The API key is invalid, revoked or expired';

describe('API keys', () => {
  let t: TestApp;
  let acme: Tenant;
  let adminId: string;
  let adminToken: string;
  let employeeToken: string;

  const asAdmin = (method: 'get' | 'post' | 'delete', path: string) =>
    t.http[method](`/api/v1${path}`).set('X-Tenant-ID', 'acme').set('Authorization', `Bearer ${adminToken}`);

  const withKey = (method: 'get' | 'post' | 'delete', path: string, key: string, tenant = 'acme') =>
    t.http[method](`/api/v1${path}`).set('X-Tenant-ID', tenant).set('X-Api-Key', key);

  const createKey = async (permissions: string[], name = 'integration'): Promise<CreatedKey> =>
    (await asAdmin('post', '/api-keys').send({ name, permissions }).expect(201)).body as CreatedKey;

  const createKeyWithKey = async (parent: CreatedKey, permissions: string[]): Promise<CreatedKey> =>
    (await withKey('post', '/api-keys', parent.key).send({ name: 'child', permissions }).expect(201)).body as CreatedKey;

  /** Creates an Admin through the API and returns its id and a bearer token. */
  const createAdmin = async (email: string): Promise<{ id: string; token: string }> => {
    const created = await asAdmin('post', '/users').send({ email, roles: ['Admin'], password: TEST_PASSWORD }).expect(201);
    return { id: created.body.id as string, token: await t.login('acme', email) };
  };

  const patchUser = (id: string, body: Record<string, unknown>) =>
    t.http.patch(`/api/v1/users/${id}`).set('X-Tenant-ID', 'acme').set('Authorization', `Bearer ${adminToken}`).send(body);

  const keyOf = async (token: string, permissions: string[]): Promise<CreatedKey> =>
    (
      await t.http
        .post('/api/v1/api-keys')
        .set('X-Tenant-ID', 'acme')
        .set('Authorization', `Bearer ${token}`)
        .send({ name: 'delegated', permissions })
        .expect(201)
    ).body as CreatedKey;

  const expectRejected = async (key: string) => {
    const response = await withKey('get', '/me', key).expect(401);
    expect((response.body as ProblemBody).detail).toBe(INVALID_KEY);
  };

  beforeAll(async () => {
    t = await startTestApp();
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

  it('shows the key once', async () => {
    const response = await asAdmin('post', '/api-keys').send({ name: 'website', permissions: ['tickets.read'] }).expect(201);
    const created = response.body as CreatedKey;
    expect(created.key).toMatch(/^mak_[A-Za-z0-9_-]{43}$/);
    expect(created.prefix).toBe(created.key.slice(0, 12));
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers.location).toBe(`/api/v1/api-keys/${created.id}`);

    const listed = await asAdmin('get', '/api-keys').expect(200);
    const text = JSON.stringify(listed.body);
    expect(text).toContain(created.id);
    expect(text).not.toContain(created.key);
    expect(text).not.toContain('secretHash');
  });

  it('stores only a hash of the key', async () => {
    const created = await createKey(['tickets.read']);
    const stored = await readAsTenant(t, acme.id, (manager) => manager.findOneByOrFail(ApiKey, { tenantId: acme.id, id: created.id }));
    expect(stored.secretHash).toBe(createHash('sha256').update(created.key).digest('hex'));
    expect(JSON.stringify(stored)).not.toContain(created.key);
  });

  it('grants exactly the key permissions', async () => {
    const created = await createKey(['tickets.read']);
    await withKey('get', '/tickets', created.key).expect(200);
    await withKey('post', '/tickets', created.key).send({ title: 'x', description: 'y' }).expect(403);
    const me = await withKey('get', '/me', created.key).expect(200);
    expect(me.body).toMatchObject({ id: created.id, type: 'api_key', roles: [], permissions: ['tickets.read'] });
  });

  it('records the key as the actor', async () => {
    const created = await createKey(['tickets.create']);
    const ticket = await withKey('post', '/tickets', created.key)
      .send({ title: 'From a machine', description: 'Created with an API key', customFields: { urgency: 'Low' } })
      .expect(201);
    const [entry] = await auditEntries(t, 'acme', adminToken, { entityId: ticket.body.id as string, action: 'ticket.created' });
    expect(entry?.actor).toEqual({ type: 'api_key', id: created.id });
  });

  it('rejects permissions the creator lacks', async () => {
    const response = await asAdmin('post', '/api-keys').send({ name: 'too much', permissions: ['compliance.erase'] }).expect(400);
    expect((response.body as ProblemBody).errors[0]).toMatchObject({ field: 'permissions', rule: 'subset' });
    const unknown = await asAdmin('post', '/api-keys').send({ name: 'typo', permissions: ['tickets.reed'] }).expect(400);
    expect((unknown.body as ProblemBody).errors[0]).toMatchObject({ field: 'permissions', rule: 'permission' });
  });

  it('allows the machine-only intake permission', async () => {
    const created = await createKey(['intake']);
    expect(created.permissions).toEqual(['intake']);
  });

  it('rejects a key on another tenant', async () => {
    const created = await createKey(['tickets.read']);
    const response = await withKey('get', '/tickets', created.key, 'globex').expect(401);
    expect((response.body as ProblemBody).detail).toBe(INVALID_KEY);
  });

  it('revokes a key at once', async () => {
    const created = await createKey(['tickets.read'], 'to revoke');
    await withKey('get', '/tickets', created.key).expect(200);
    await asAdmin('delete', `/api-keys/${created.id}`).expect(204);
    await withKey('get', '/tickets', created.key).expect(401);
    await asAdmin('delete', `/api-keys/${created.id}`).expect(204);
    await asAdmin('delete', `/api-keys/${crypto.randomUUID()}`).expect(404);

    const listed = await asAdmin('get', '/api-keys').expect(200);
    const row = (listed.body as { data: Array<{ id: string; revokedAt: string | null }> }).data.find((key) => key.id === created.id);
    expect(row?.revokedAt).not.toBeNull();
  });

  it('audits creation and revocation', async () => {
    const created = await createKey(['tickets.read'], 'audited');
    await asAdmin('delete', `/api-keys/${created.id}`).expect(204);
    const entries = await auditEntries(t, 'acme', adminToken, { entityId: created.id });
    expect(entries.map((entry) => entry.action)).toEqual(['api_key.created', 'api_key.revoked']);
    expect(entries[0]?.newValues).toMatchObject({ name: 'audited', permissions: ['tickets.read'] });
    expect(JSON.stringify(entries)).not.toContain(created.key);
  });

  it('rejects an expired key', async () => {
    const created = await createKey(['tickets.read'], 'expiring');
    await writeAsTenant(t, acme.id, (manager) => manager.update(ApiKey, { tenantId: acme.id, id: created.id }, { expiresAt: PAST }));
    await withKey('get', '/tickets', created.key).expect(401);
  });

  it('rejects an expiry in the past', async () => {
    const response = await asAdmin('post', '/api-keys')
      .send({ name: 'old', permissions: ['tickets.read'], expiresAt: '2001-01-01T00:00:00Z' })
      .expect(400);
    expect((response.body as ProblemBody).errors[0]).toMatchObject({ field: 'expiresAt', rule: 'future' });
  });

  it('rejects a malformed or doubled credential', async () => {
    const created = await createKey(['tickets.read']);
    await withKey('get', '/tickets', 'mak_short').expect(401);
    // Another last character than the key's own. The last of 43 base64url characters carries 4
    // bits, so one key in 16 ends in 'A'.
    const last = created.key.endsWith('A') ? 'B' : 'A';
    await withKey('get', '/tickets', `${created.key.slice(0, -1)}${last}`).expect(401);
    await withKey('get', '/tickets', created.key).set('Authorization', `Bearer ${adminToken}`).expect(401);
  });

  it('keeps keys off user-only routes', async () => {
    const created = await createKey(['tickets.read']);
    await withKey('post', '/auth/change-password', created.key)
      .send({ currentPassword: 'whatever-it-is', newPassword: 'another-long-passphrase' })
      .expect(403);
    await withKey('post', '/auth/2fa/setup', created.key).expect(403);
    await withKey('post', '/auth/logout', created.key).expect(403);
  });

  it('loses rights its demoted creator lost', async () => {
    const admin2 = await createAdmin('admin2@acme.test');
    const created = await keyOf(admin2.token, ['users.manage', 'api_keys.manage', 'tickets.read', 'intake']);
    expect(created.creatorUserId).toBe(admin2.id);
    expect(created.parentKeyId).toBeNull();
    await withKey('get', '/users', created.key).expect(200);

    await patchUser(admin2.id, { roles: ['Customer'] }).expect(200);

    await withKey('get', '/users', created.key).expect(403);
    await withKey('post', '/users', created.key)
      .send({ email: 'officer@acme.test', roles: ['ComplianceOfficer'], password: TEST_PASSWORD })
      .expect(403);
    await withKey('get', '/tickets', created.key).expect(200);
    const me = await withKey('get', '/me', created.key).expect(200);
    expect(me.body.permissions).toEqual(['tickets.read']);
  });

  it('stops working while its creator is disabled', async () => {
    const admin3 = await createAdmin('admin3@acme.test');
    const created = await keyOf(admin3.token, ['users.manage', 'tickets.read']);
    await withKey('get', '/users', created.key).expect(200);

    await patchUser(admin3.id, { roles: ['Customer'] }).expect(200);
    await patchUser(admin3.id, { status: 'disabled' }).expect(200);
    await expectRejected(created.key);
    await withKey('get', '/users', created.key).expect(401);
    await withKey('post', '/users', created.key)
      .send({ email: 'officer2@acme.test', roles: ['ComplianceOfficer'], password: TEST_PASSWORD })
      .expect(401);

    await patchUser(admin3.id, { status: 'active' }).expect(200);
    await withKey('get', '/tickets', created.key).expect(200);
    await withKey('get', '/users', created.key).expect(403);
  });

  it('stops working once its creator is erased', async () => {
    const admin4 = await createAdmin('admin4@acme.test');
    const created = await keyOf(admin4.token, ['tickets.read']);
    await withKey('get', '/tickets', created.key).expect(200);

    await t.createUser(acme, 'officer@acme.test', ['ComplianceOfficer']);
    const officerToken = await t.login('acme', 'officer@acme.test');
    await t.http
      .post(`/api/v1/compliance/subjects/${admin4.id}/erasure`)
      .set('X-Tenant-ID', 'acme')
      .set('Authorization', `Bearer ${officerToken}`)
      .send({})
      .expect(200);
    await expectRejected(created.key);
  });

  it('stops working once its creator is deleted', async () => {
    const admin5 = await createAdmin('admin5@acme.test');
    const created = await keyOf(admin5.token, ['tickets.read']);
    await withKey('get', '/tickets', created.key).expect(200);
    // No route deletes accounts; an operator removing the row by hand is the case covered here.
    await writeAsTenant(t, acme.id, (manager) => manager.delete(User, { tenantId: acme.id, id: admin5.id }));
    await expectRejected(created.key);
  });

  it('records the user at the root of a key chain', async () => {
    const root = await createKey(['api_keys.manage', 'tickets.read'], 'root');
    expect(root).toMatchObject({ createdBy: adminId, creatorUserId: adminId, parentKeyId: null });
    const child = await createKeyWithKey(root, ['api_keys.manage', 'tickets.read']);
    expect(child).toMatchObject({ createdBy: root.id, creatorUserId: adminId, parentKeyId: root.id });
    const grandchild = await createKeyWithKey(child, ['tickets.read']);
    expect(grandchild).toMatchObject({ createdBy: child.id, creatorUserId: adminId, parentKeyId: child.id });

    const listed = await asAdmin('get', '/api-keys').expect(200);
    const row = (listed.body as { data: CreatedKey[] }).data.find((key) => key.id === grandchild.id);
    expect(row).toMatchObject({ creatorUserId: adminId, parentKeyId: child.id });
    const [entry] = await auditEntries(t, 'acme', adminToken, { entityId: grandchild.id, action: 'api_key.created' });
    expect(entry?.actor).toEqual({ type: 'api_key', id: child.id });
    expect(entry?.newValues).toMatchObject({ creatorUserId: adminId, parentKeyId: child.id });
  });

  it('bounds a key chain by its root user', async () => {
    const admin6 = await createAdmin('admin6@acme.test');
    const root = await keyOf(admin6.token, ['api_keys.manage', 'users.manage', 'tickets.read']);
    const child = await createKeyWithKey(root, ['users.manage', 'tickets.read']);
    await withKey('get', '/users', child.key).expect(200);

    await patchUser(admin6.id, { roles: ['Employee'] }).expect(200);
    await withKey('get', '/users', child.key).expect(403);
    await withKey('post', '/api-keys', root.key).send({ name: 'after demotion', permissions: ['tickets.read'] }).expect(403);

    await patchUser(admin6.id, { status: 'disabled' }).expect(200);
    await expectRejected(child.key);
  });

  it('stops keys created through a revoked key', async () => {
    const root = await createKey(['api_keys.manage', 'tickets.read'], 'parent');
    const child = await createKeyWithKey(root, ['api_keys.manage', 'tickets.read']);
    const grandchild = await createKeyWithKey(child, ['tickets.read']);
    await withKey('get', '/tickets', grandchild.key).expect(200);

    await asAdmin('delete', `/api-keys/${root.id}`).expect(204);
    await expectRejected(root.key);
    await expectRejected(child.key);
    await expectRejected(grandchild.key);
  });

  it('stops keys created through an expired key', async () => {
    const root = await createKey(['api_keys.manage', 'tickets.read'], 'expiring parent');
    const child = await createKeyWithKey(root, ['tickets.read']);
    await writeAsTenant(t, acme.id, (manager) => manager.update(ApiKey, { tenantId: acme.id, id: root.id }, { expiresAt: PAST }));
    await expectRejected(child.key);
  });

  it('limits the length of a key chain', async () => {
    let parent = await createKey(['api_keys.manage', 'tickets.read'], 'chain 0');
    for (let length = 1; length <= 3; length += 1) {
      parent = await createKeyWithKey(parent, ['api_keys.manage', 'tickets.read']);
    }
    await withKey('get', '/tickets', parent.key).expect(200);
    const response = await withKey('post', '/api-keys', parent.key).send({ name: 'too deep', permissions: ['tickets.read'] }).expect(403);
    expect((response.body as ProblemBody).errors[0]).toMatchObject({ field: 'X-Api-Key', rule: 'key_chain_length' });
  });

  it('backfills creators of keys from before', async () => {
    const byUser = await createKey(['api_keys.manage', 'tickets.read'], 'legacy root');
    const byKey = await createKeyWithKey(byUser, ['api_keys.manage', 'tickets.read']);
    const byKeyOfKey = await createKeyWithKey(byKey, ['tickets.read']);
    const orphan = await createKey(['tickets.read'], 'legacy orphan');
    const writer = t.app.get(DatabaseRouter).catalog().writer;
    const runner = writer.createQueryRunner();
    const migration = new AddApiKeyCreators1764806400140();
    try {
      await migration.down(runner);
      // Before the migration an orphan's creator could be a user that no longer exists.
      await writer.query('UPDATE api_keys SET created_by = ? WHERE tenant_id = ? AND id = ?', [crypto.randomUUID(), acme.id, orphan.id]);
      await migration.up(runner);
    } finally {
      await runner.release();
    }

    const listed = (await asAdmin('get', '/api-keys?limit=100').expect(200)).body as { data: CreatedKey[] };
    const rowOf = (id: string) => listed.data.find((key) => key.id === id);
    expect(rowOf(byUser.id)).toMatchObject({ creatorUserId: adminId, parentKeyId: null });
    expect(rowOf(byKey.id)).toMatchObject({ creatorUserId: adminId, parentKeyId: byUser.id });
    expect(rowOf(byKeyOfKey.id)).toMatchObject({ creatorUserId: adminId, parentKeyId: byKey.id });
    expect(rowOf(orphan.id)).toMatchObject({ creatorUserId: null, parentKeyId: null });
    await withKey('get', '/tickets', byKeyOfKey.key).expect(200);
    await expectRejected(orphan.key);
  });

  it('forbids key management to an Employee', async () => {
    await t.http.get('/api/v1/api-keys').set('X-Tenant-ID', 'acme').set('Authorization', `Bearer ${employeeToken}`).expect(403);
    await t.http
      .post('/api/v1/api-keys')
      .set('X-Tenant-ID', 'acme')
      .set('Authorization', `Bearer ${employeeToken}`)
      .send({ name: 'mine', permissions: ['tickets.read'] })
      .expect(403);
  });
});
