import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseRouter } from '#kernel';
import type { Tenant } from '#tenancy';
import { MASALA_SCHEMA } from '../../apps/api/src/schema.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

function count(file: string, sql: string, ...parameters: unknown[]): number {
  const database = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (database.prepare(sql).get(...parameters) as { n: number }).n;
  } finally {
    database.close();
  }
}

const ticket = (title: string) => ({ title, description: 'x', customFields: { urgency: 'Low' } });

describe('database tenancy', () => {
  let t: TestApp;
  let router: DatabaseRouter;
  const tenants: Tenant[] = [];
  const tokens = new Map<string, string>();

  const as = (tenant: Tenant) => ({
    get: (path: string) => t.http.get(path).set('X-Tenant-ID', tenant.slug).set('Authorization', `Bearer ${tokens.get(tenant.id)}`),
    post: (path: string) => t.http.post(path).set('X-Tenant-ID', tenant.slug).set('Authorization', `Bearer ${tokens.get(tenant.id)}`),
  });

  beforeAll(async () => {
    t = await startTestApp({ MASALA_TENANCY: 'database', MASALA_TENANT_DATABASE_IDLE_MS: '1000' });
    router = t.app.get(DatabaseRouter);
    for (const slug of ['north', 'south']) {
      const tenant = await t.createTenant(slug);
      tenants.push(tenant);
      await t.createUser(tenant, `agent@${slug}.test`, ['Employee']);
      tokens.set(tenant.id, await t.login(slug, `agent@${slug}.test`));
      await as(tenant).post('/api/v1/tickets').send(ticket(`first at ${slug}`)).expect(201);
    }
  }, 60_000);

  afterAll(async () => {
    await t.close();
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('gives every tenant its own migrated file', () => {
    const catalog = router.catalog().location;
    for (const tenant of tenants) {
      const file = join(t.dataDir, 'tenants', tenant.id, 'masala.sqlite');
      expect(router.dedicatedFile(tenant.id)).toBe(file);
      expect(existsSync(file)).toBe(true);
      expect(count(file, 'SELECT count(*) AS n FROM tickets WHERE tenant_id = ?', tenant.id)).toBe(1);
      expect(count(file, 'SELECT count(*) AS n FROM tickets WHERE tenant_id <> ?', tenant.id)).toBe(0);
      expect(count(file, 'SELECT count(*) AS n FROM migrations')).toBe((MASALA_SCHEMA.migrations as unknown[]).length);
    }
    expect(count(catalog, 'SELECT count(*) AS n FROM tickets')).toBe(0);
    expect(count(catalog, 'SELECT count(*) AS n FROM users')).toBe(0);
    expect(count(catalog, 'SELECT count(*) AS n FROM tenants')).toBe(2);
  });

  it('opens a tenant once for concurrent first requests', async () => {
    const [north] = tenants;
    expect(await router.closeTenant(north!.id)).toBe(true);
    const before = router.timesOpened(north!.id);

    const responses = await Promise.all(Array.from({ length: 25 }, () => as(north!).get('/api/v1/tickets')));

    expect(responses.map((response) => response.status)).toEqual(Array.from({ length: 25 }, () => 200));
    expect(router.timesOpened(north!.id)).toBe(before + 1);
  });

  it('opens a tenant once for concurrent first writes', async () => {
    const [, south] = tenants;
    expect(await router.closeTenant(south!.id)).toBe(true);
    const before = router.timesOpened(south!.id);

    const responses = await Promise.all(
      Array.from({ length: 10 }, (_unused, index) => as(south!).post('/api/v1/tickets').send(ticket(`burst ${index}`))),
    );

    expect(responses.map((response) => response.status)).toEqual(Array.from({ length: 10 }, () => 201));
    expect(router.timesOpened(south!.id)).toBe(before + 1);
    const file = router.dedicatedFile(south!.id);
    expect(count(file, 'SELECT count(*) AS n FROM tickets WHERE title LIKE ?', 'burst %')).toBe(10);
  });

  it('closes databases idle past the limit', async () => {
    const [north] = tenants;
    await as(north!).get('/api/v1/tickets').expect(200);
    expect(router.openTenantCount()).toBeGreaterThan(0);
    const opened = router.timesOpened(north!.id);

    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + 2_000);
    await router.evictIdle();
    jest.restoreAllMocks();

    expect(router.openTenantCount()).toBe(0);
    await as(north!).get('/api/v1/tickets').expect(200);
    expect(router.timesOpened(north!.id)).toBe(opened + 1);
  });

  it('makes every new tenant dedicated', async () => {
    const created = await t.createTenant('east', { storage: 'shared' });
    expect(created.storage).toBe('dedicated');
  });
});

describe('database tenancy with two open files', () => {
  let t: TestApp;
  let router: DatabaseRouter;
  const tenants: Tenant[] = [];
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    t = await startTestApp({ MASALA_TENANCY: 'database', MASALA_MAX_OPEN_TENANT_DATABASES: '2' });
    router = t.app.get(DatabaseRouter);
    for (const slug of ['t1', 't2', 't3', 't4', 't5']) {
      const tenant = await t.createTenant(slug);
      tenants.push(tenant);
      await t.createUser(tenant, `agent@${slug}.test`, ['Employee']);
      tokens.set(tenant.id, await t.login(slug, `agent@${slug}.test`));
    }
  }, 60_000);

  afterAll(async () => {
    await t.close();
  });

  it('serves five tenants without exceeding the bound', async () => {
    let maxOpen = router.openTenantCount();
    let sampling = true;
    const sample = () => {
      maxOpen = Math.max(maxOpen, router.openTenantCount());
      if (sampling) setImmediate(sample);
    };
    sample();

    const created = new Map<string, string[]>(tenants.map((tenant) => [tenant.id, []]));
    try {
      for (let round = 0; round < 4; round += 1) {
        const requests = tenants.flatMap((tenant) => {
          const request = (method: 'get' | 'post', path: string) =>
            t.http[method](path).set('X-Tenant-ID', tenant.slug).set('Authorization', `Bearer ${tokens.get(tenant.id)}`);
          return [
            request('post', '/api/v1/tickets')
              .send(ticket(`${tenant.slug} round ${round}`))
              .then((response) => {
                expect(response.status).toBe(201);
                created.get(tenant.id)!.push(response.body.id as string);
              }),
            request('get', '/api/v1/tickets?limit=100').then((response) => {
              expect(response.status).toBe(200);
              const titles = (response.body.data as Array<{ title: string }>).map((item) => item.title);
              expect(titles.every((title) => title.startsWith(`${tenant.slug} `))).toBe(true);
            }),
          ];
        });
        await Promise.all(requests);
        expect(router.openTenantCount()).toBeLessThanOrEqual(2);
      }
    } finally {
      sampling = false;
    }

    expect(maxOpen).toBeLessThanOrEqual(2);
    for (const tenant of tenants) {
      const file = router.dedicatedFile(tenant.id);
      expect(count(file, 'SELECT count(*) AS n FROM tickets WHERE tenant_id = ?', tenant.id)).toBe(4);
      expect(count(file, 'SELECT count(*) AS n FROM tickets WHERE tenant_id <> ?', tenant.id)).toBe(0);
      // The file was closed and opened again along the way.
      expect(router.timesOpened(tenant.id)).toBeGreaterThan(1);
    }
  }, 60_000);
});

describe('shared tenancy with a dedicated tenant', () => {
  let t: TestApp;
  let shared: Tenant;
  let dedicated: Tenant;

  beforeAll(async () => {
    t = await startTestApp({ MASALA_TENANCY: 'shared' });
    shared = await t.createTenant('pooled');
    dedicated = await t.createTenant('own-file', { storage: 'dedicated' });
    for (const tenant of [shared, dedicated]) {
      await t.createUser(tenant, `agent@${tenant.slug}.test`, ['Employee']);
      const token = await t.login(tenant.slug, `agent@${tenant.slug}.test`);
      await t.http
        .post('/api/v1/tickets')
        .set('X-Tenant-ID', tenant.slug)
        .set('Authorization', `Bearer ${token}`)
        .send(ticket(`at ${tenant.slug}`))
        .expect(201);
    }
  }, 60_000);

  afterAll(async () => {
    await t.close();
  });

  it('keeps each tenant in its own database', () => {
    const router = t.app.get(DatabaseRouter);
    const catalog = router.catalog().location;
    const file = router.dedicatedFile(dedicated.id);
    expect(file).toBe(join(t.dataDir, 'tenants', dedicated.id, 'masala.sqlite'));

    for (const table of ['tickets', 'users', 'audit_log_entries']) {
      expect(count(catalog, `SELECT count(*) AS n FROM ${table} WHERE tenant_id = ?`, shared.id)).toBeGreaterThan(0);
      expect(count(catalog, `SELECT count(*) AS n FROM ${table} WHERE tenant_id = ?`, dedicated.id)).toBe(0);
      expect(count(file, `SELECT count(*) AS n FROM ${table} WHERE tenant_id = ?`, dedicated.id)).toBeGreaterThan(0);
      expect(count(file, `SELECT count(*) AS n FROM ${table} WHERE tenant_id <> ?`, dedicated.id)).toBe(0);
    }
    expect(count(catalog, 'SELECT count(*) AS n FROM tenants')).toBe(2);
    expect(count(file, 'SELECT count(*) AS n FROM tenants')).toBe(0);
  });
});
