import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DatabaseRouter, MasalaException } from '#kernel';
import type { Tenant } from '#tenancy';
import { startTestApp, type TestApp } from '../support/test-app.js';

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

const inside = (folder: string, path: string) => !relative(folder, path).startsWith('..');

describe('isolated tenancy', () => {
  let t: TestApp;
  let acme: Tenant;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp({ MASALA_TENANCY: 'isolated', MASALA_TENANT: 'acme', MASALA_BASE_DOMAIN: 'masala.test' });
    acme = await t.createTenant('acme');
    await t.createUser(acme, 'agent@acme.test', ['Employee']);
    const login = await t.http.post('/api/v1/auth/login').send({ email: 'agent@acme.test', password: 'correct-horse-battery-staple-42' });
    expect(login.status).toBe(200);
    token = login.body.accessToken as string;
  });

  afterAll(async () => {
    await t.close();
  });

  it('refuses to create another tenant', async () => {
    const attempt = t.createTenant('globex');
    await expect(attempt).rejects.toBeInstanceOf(MasalaException);
    const error = (await attempt.catch((caught: unknown) => caught)) as MasalaException;
    expect(error.details.errors).toEqual([expect.objectContaining({ field: 'slug', rule: 'isolated' })]);
  });

  it('serves requests without a tenant header', async () => {
    const me = await t.http.get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(200);
    expect(JSON.stringify(me.body)).toContain(acme.id);
    await t.http
      .post('/api/v1/tickets')
      .set('Authorization', `Bearer ${token}`)
      .send({ title: 'No header', description: 'x', customFields: { urgency: 'Low' } })
      .expect(201);
  });

  it('accepts its own slug in the header and host', async () => {
    await t.http.get('/api/v1/me').set('X-Tenant-ID', 'acme').set('Authorization', `Bearer ${token}`).expect(200);
    await t.http.get('/api/v1/me').set('Host', 'acme.masala.test').set('Authorization', `Bearer ${token}`).expect(200);
  });

  it('rejects a header naming another tenant', async () => {
    const response = await t.http.get('/api/v1/me').set('X-Tenant-ID', 'globex').set('Authorization', `Bearer ${token}`);
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const login = await t.http
      .post('/api/v1/auth/login')
      .set('X-Tenant-ID', 'globex')
      .send({ email: 'agent@acme.test', password: 'correct-horse-battery-staple-42' });
    expect(login.status).toBe(404);
  });

  it('rejects a host naming another tenant', async () => {
    const response = await t.http.get('/api/v1/me').set('Host', 'globex.masala.test').set('Authorization', `Bearer ${token}`);
    expect(response.status).toBe(404);
  });

  it('keeps database and keys in its data folder', () => {
    const database = t.app.get(DatabaseRouter).catalog().location;
    expect(database).toBe(join(t.dataDir, 'masala.sqlite'));
    expect(inside(t.dataDir, t.settings.keyStoreDir)).toBe(true);
    if (t.settings.masterKeyFile) expect(inside(t.dataDir, t.settings.masterKeyFile)).toBe(true);

    const files = filesUnder(t.dataDir).map((file) => relative(t.dataDir, file));
    expect(files).toContain('masala.sqlite');
    expect(files.some((file) => file.startsWith('tenants'))).toBe(false);
    expect(files.filter((file) => file.endsWith('.sqlite'))).toEqual(['masala.sqlite']);
  });
});
