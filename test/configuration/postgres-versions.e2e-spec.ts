import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { DomainCatalog } from '#tickets';
import {
  createTestDatabase,
  ensurePostgres,
  logSkip,
  type TestDatabase,
} from '../postgres/support/postgres.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { ConfigFolder } from './support/config-folder.js';
import { edit, SERVICE_DESK_YAML } from './support/configs.js';
import { activations, versionOf } from './support/reload.js';

const postgres = await ensurePostgres();
if (!postgres.available) logSkip('domain configuration versions on PostgreSQL', postgres.reason);
const describePostgres = postgres.available ? describe : describe.skip;

const RENAMED = edit(SERVICE_DESK_YAML, 'display_name: Service Desk', 'display_name: Help Desk');

/** The API role here is subject to row-level security, which the activation rows must pass. */
describePostgres('domain configuration versions on PostgreSQL', () => {
  let database: TestDatabase;
  let t: TestApp;
  let config: ConfigFolder;
  let catalog: DomainCatalog;
  let admin: Record<string, string>;
  let tenantId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    config = ConfigFolder.withRoot(SERVICE_DESK_YAML);
    t = await startTestApp({ ...database.env, MASALA_CONFIG_PATH: config.path });
    catalog = t.app.get(DomainCatalog);
    const tenant = await t.createTenant('desk');
    tenantId = tenant.id;
    await t.createUser(tenant, 'admin@desk.test', ['Admin']);
    admin = {
      'X-Tenant-ID': 'desk',
      Authorization: `Bearer ${await t.login('desk', 'admin@desk.test')}`,
    };
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await database?.drop();
    config?.remove();
  });

  it('records the activation of a reload', async () => {
    config.writeRoot(RENAMED);
    await catalog.reloadNow();
    await catalog.settled();
    const entries = await activations(t, admin);
    expect(entries.map((entry) => entry.entityId)).toEqual([
      versionOf(SERVICE_DESK_YAML),
      versionOf(RENAMED),
    ]);
  });

  it('stores each version once', async () => {
    const rows = await database.queryAsOwner<{ id: string; tenant_scope: string | null }>(
      'SELECT id, tenant_scope FROM domain_config_versions ORDER BY activated_at',
    );
    expect(rows.map((row) => row.id)).toEqual([versionOf(SERVICE_DESK_YAML), versionOf(RENAMED)]);
  });

  it('keeps one activation row per tenant', async () => {
    const client = new pg.Client({ connectionString: database.ownerUrl });
    await client.connect();
    try {
      // The table forces row-level security, so even its owner sees rows of the tenant it names.
      await client.query('BEGIN');
      await client.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
      const result = await client.query<{ version_id: string }>(
        'SELECT version_id FROM domain_config_activations',
      );
      await client.query('COMMIT');
      expect(result.rows).toEqual([{ version_id: versionOf(RENAMED) }]);
    } finally {
      await client.end();
    }
  });
});
