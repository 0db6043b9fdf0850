import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { DatabaseRouter } from '#kernel';
import { Tenant, TenantRegistry } from '#tenancy';
import { DomainCatalog } from '#tickets';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { ConfigFolder, MINIMAL_FIXTURE } from './support/config-folder.js';
import { edit, SERVICE_DESK_YAML } from './support/configs.js';
import { activations, versionOf } from './support/reload.js';

const MINIMAL = readFileSync(MINIMAL_FIXTURE, 'utf8');
const GLOBEX_DESK = edit(
  SERVICE_DESK_YAML,
  'display_name: Service Desk',
  'display_name: Globex Desk',
);

describe('tenant configuration folders', () => {
  let t: TestApp;
  let config: ConfigFolder;
  let catalog: DomainCatalog;
  const admins: Record<string, Record<string, string>> = {};

  const domainsOf = async (slug: string) => {
    const response = await t.http
      .get('/api/v1/domains')
      .set(admins[slug] ?? {})
      .expect(200);
    return response.body as {
      version: string;
      tenantOverride: boolean;
      data: Array<{ id: string }>;
    };
  };

  const addTenant = async (slug: string) => {
    const tenant = await t.createTenant(slug);
    await t.createUser(tenant, `admin@${slug}.test`, ['Admin']);
    const token = await t.login(slug, `admin@${slug}.test`);
    admins[slug] = { 'X-Tenant-ID': slug, Authorization: `Bearer ${token}` };
    return tenant;
  };

  beforeAll(async () => {
    config = ConfigFolder.withRoot(SERVICE_DESK_YAML);
    config.writeTenant('acme', MINIMAL);
    config.writeTenant('initech', GLOBEX_DESK);
    t = await startTestApp({ MASALA_CONFIG_PATH: config.path });
    catalog = t.app.get(DomainCatalog);
    await addTenant('acme');
    await addTenant('globex');
  });

  afterAll(async () => {
    await t.close();
    config.remove();
  });

  it('serves the tenant its own file', async () => {
    const acme = await domainsOf('acme');
    expect(acme.data.map((domain) => domain.id)).toEqual(['IT', 'Gardening']);
    expect(acme.tenantOverride).toBe(true);
    expect(acme.version).toBe(versionOf(MINIMAL));
  });

  it('serves other tenants the root file', async () => {
    const globex = await domainsOf('globex');
    expect(globex.data.map((domain) => domain.id)).toEqual(['Desk']);
    expect(globex.tenantOverride).toBe(false);
    expect(globex.version).toBe(versionOf(SERVICE_DESK_YAML));
  });

  it('creates tickets in the tenant domains', async () => {
    const acme = await t.http
      .post('/api/v1/tickets')
      .set(admins.acme ?? {})
      .send({ title: 'Laptop', description: 'Broken hinge' })
      .expect(201);
    expect(acme.body.domainId).toBe('IT');
    expect(acme.body.status).toBe('Pending');
    const globex = await t.http
      .post('/api/v1/tickets')
      .set(admins.globex ?? {})
      .send({ title: 'Laptop', description: 'Broken hinge', customFields: { channel: 'Phone' } })
      .expect(201);
    expect(globex.body.domainId).toBe('Desk');
  });

  it('resolves domain roles per tenant', async () => {
    const acme = await findTenant('acme');
    const globex = await findTenant('globex');
    const rejected = t.createUser(acme, 'dispatch@acme.test', ['Dispatcher']);
    await expect(rejected).rejects.toMatchObject({
      details: { errors: [expect.objectContaining({ field: 'roles', rule: 'role' })] },
    });
    await t.createUser(globex, 'dispatch@globex.test', ['Dispatcher']);
  });

  it('records each tenant its own version', async () => {
    await catalog.settled();
    const acme = await activations(t, admins.acme ?? {});
    const globex = await activations(t, admins.globex ?? {});
    expect(acme.map((entry) => entry.newValues)).toEqual([
      {
        version: versionOf(MINIMAL),
        tenantScope: 'acme',
        file: 'config/acme/masala_domains.yaml',
        domains: ['IT', 'Gardening'],
      },
    ]);
    expect(globex.map((entry) => entry.newValues?.version)).toEqual([versionOf(SERVICE_DESK_YAML)]);
  });

  it('applies a folder created for a future tenant', async () => {
    await addTenant('initech');
    const initech = await domainsOf('initech');
    expect(initech.version).toBe(versionOf(GLOBEX_DESK));
    await catalog.settled();
    const entries = await activations(t, admins.initech ?? {});
    expect(entries.map((entry) => entry.newValues?.tenantScope)).toEqual(['initech']);
  });

  it('adds a tenant folder at runtime', async () => {
    config.writeTenant('globex', GLOBEX_DESK);
    const result = await catalog.reloadNow();
    expect(result.rejected).toEqual([]);
    const globex = await domainsOf('globex');
    expect(globex.version).toBe(versionOf(GLOBEX_DESK));
    expect(globex.tenantOverride).toBe(true);
    await catalog.settled();
    const entries = await activations(t, admins.globex ?? {});
    expect(entries.at(-1)?.newValues?.tenantScope).toBe('globex');
    expect(entries.at(-1)?.oldValues).toEqual({
      version: versionOf(SERVICE_DESK_YAML),
      tenantScope: null,
    });
    expect(await activations(t, admins.acme ?? {})).toHaveLength(1);
  });

  it('rejects an invalid tenant file alone', async () => {
    config.writeTenant('acme', edit(MINIMAL, 'Pending: ["InProgress"]', 'Pending: ["Nowhere"]'));
    const renamed = edit(
      SERVICE_DESK_YAML,
      'display_name: Service Desk',
      'display_name: Root Desk',
    );
    config.writeRoot(renamed);
    const result = await catalog.reloadNow();
    expect(result.rejected.map((item) => item.tenantScope)).toEqual(['acme']);
    expect((await domainsOf('acme')).version).toBe(versionOf(MINIMAL));
    expect(catalog.configurationFor('').version).toBe(versionOf(renamed));
  });

  it('falls back to the root file when the folder goes', async () => {
    config.removeTenant('acme');
    const result = await catalog.reloadNow();
    expect(result.removed).toEqual(['acme']);
    const acme = await domainsOf('acme');
    expect(acme.tenantOverride).toBe(false);
    expect(acme.data.map((domain) => domain.id)).toEqual(['Desk']);
    await catalog.settled();
    const entries = await activations(t, admins.acme ?? {});
    expect(entries.at(-1)?.newValues?.tenantScope).toBeNull();
    expect(entries.at(-1)?.oldValues?.tenantScope).toBe('acme');
  });

  it('resolves tenants created by another process', async () => {
    // Rows written straight into the registry stand for tenants another process created.
    const hooli = await insertTenantRow('hooli');
    expect(catalog.configurationFor(hooli).version).toBe(catalog.configurationFor('').version);

    config.writeTenant('umbrella', GLOBEX_DESK);
    await catalog.reloadNow();
    const umbrella = await insertTenantRow('umbrella');
    expect(() => catalog.configurationFor(umbrella)).toThrow('use configurationForTenant()');
    const resolved = await catalog.configurationForTenant(umbrella);
    expect(resolved.version).toBe(versionOf(GLOBEX_DESK));
    expect(catalog.configurationFor(umbrella).version).toBe(versionOf(GLOBEX_DESK));
  });

  it('keeps every audit chain valid', async () => {
    for (const slug of ['acme', 'globex', 'initech']) {
      const verify = await t.http
        .get('/api/v1/audit/verify')
        .set(admins[slug] ?? {})
        .expect(200);
      expect(verify.body.valid).toBe(true);
    }
  });

  async function insertTenantRow(slug: string): Promise<string> {
    const id = crypto.randomUUID();
    const now = new Date();
    const row = {
      id,
      slug,
      name: slug,
      status: 'active' as const,
      jurisdiction: 'BE',
      storage: 'shared' as const,
    };
    await t.app
      .get(DatabaseRouter)
      .catalog()
      .write('', (manager) =>
        manager.insert(Tenant, { ...row, settings: {}, createdAt: now, updatedAt: now }),
      );
    return id;
  }

  async function findTenant(slug: string) {
    const tenant = await t.app.get(TenantRegistry).findBySlug(slug);
    if (tenant === null) throw new Error(`Tenant ${slug} is missing`);
    return tenant;
  }
});
