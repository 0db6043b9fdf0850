import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import type { Tenant } from '#tenancy';
import { ApiKey } from '../../libs/identity/src/domain/api-key.entity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { PAST, auditEntries, readAsTenant, writeAsTenant, type ProblemBody } from './support/identity-helpers.js';

type CreatedKey = { id: string; key: string; prefix: string; permissions: string[]; name: string };

describe('API keys', () => {
  let t: TestApp;
  let acme: Tenant;
  let adminToken: string;
  let employeeToken: string;

  const asAdmin = (method: 'get' | 'post' | 'delete', path: string) =>
    t.http[method](`/api/v1${path}`).set('X-Tenant-ID', 'acme').set('Authorization', `Bearer ${adminToken}`);

  const withKey = (method: 'get' | 'post', path: string, key: string, tenant = 'acme') =>
    t.http[method](`/api/v1${path}`).set('X-Tenant-ID', tenant).set('X-Api-Key', key);

  const createKey = async (permissions: string[], name = 'integration'): Promise<CreatedKey> =>
    (await asAdmin('post', '/api-keys').send({ name, permissions }).expect(201)).body as CreatedKey;

  beforeAll(async () => {
    t = await startTestApp();
    acme = await t.createTenant('acme');
    const globex = await t.createTenant('globex');
    await t.createUser(acme, 'admin@acme.test', ['Admin']);
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
    expect((response.body as ProblemBody).detail).toBe('The API key is invalid, revoked or expired');
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
    await withKey('get', '/tickets', `${created.key.slice(0, -1)}A`).expect(401);
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
