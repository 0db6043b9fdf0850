import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { PostgresTenantStore, postgresTenantPolicy } from '#kernel';
import type { Tenant } from '#tenancy';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { checkPostgresSchema, PLATFORM_TABLES } from '../tenancy/support/schema-checks.js';
import {
  APP_ROLE,
  createTestDatabase,
  ensurePostgres,
  logSkip,
  postgresUrl,
  SUPERUSER_ROLE,
  type TestDatabase,
} from './support/postgres.js';

const postgres = await ensurePostgres();
if (!postgres.available) logSkip('PostgreSQL row-level security', postgres.reason);
const describePostgres = postgres.available ? describe : describe.skip;

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** Counts the tickets a query without any tenant filter returns for a transaction of `tenantId`. */
async function countTicketsOf(client: pg.Client, actingTenantId: string, ownerTenantId: string): Promise<number> {
  await client.query('BEGIN');
  try {
    await client.query(`SELECT set_config('app.tenant_id', $1, true)`, [actingTenantId]);
    const result = await client.query<{ count: string }>('SELECT count(*) AS count FROM tickets WHERE tenant_id = $1', [
      ownerTenantId,
    ]);
    return Number(result.rows[0]!.count);
  } finally {
    await client.query('COMMIT');
  }
}

describePostgres('PostgreSQL row-level security', () => {
  let database: TestDatabase;
  let t: TestApp;
  let acme: Tenant;
  let globex: Tenant;
  let owner: pg.Client;
  let app: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    t = await startTestApp(database.env);
    acme = await t.createTenant('acme');
    globex = await t.createTenant('globex');
    for (const tenant of [acme, globex]) {
      await t.createUser(tenant, `agent@${tenant.slug}.test`, ['Employee']);
      const token = await t.login(tenant.slug, `agent@${tenant.slug}.test`);
      for (let index = 0; index < 3; index += 1) {
        await t.http
          .post('/api/v1/tickets')
          .set('X-Tenant-ID', tenant.slug)
          .set('Authorization', `Bearer ${token}`)
          .send({ title: `${tenant.slug} ${index}`, description: 'x', customFields: { urgency: 'Low' } })
          .expect(201);
      }
    }
    owner = await connect(database.ownerUrl);
    app = await connect(database.appUrl);
  }, 60_000);

  afterAll(async () => {
    await owner?.end();
    await app?.end();
    await t?.close();
    await database?.drop();
  });

  it('finds no violation in the schema', async () => {
    expect(await checkPostgresSchema(owner)).toEqual([]);
  });

  it('exempts only the listed platform tables', async () => {
    const result = await owner.query<{ table: string }>(
      `SELECT c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
          AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id')
        ORDER BY 1`,
    );
    expect(result.rows.map((row) => row.table)).toEqual(Object.keys(PLATFORM_TABLES).sort());
  });

  it('reports a table without tenant rules', async () => {
    await owner.query('CREATE TABLE loose_notes (id varchar(36) PRIMARY KEY, tenant_id varchar(36))');
    await owner.query('CREATE INDEX loose_notes_tenant ON loose_notes (id, tenant_id)');
    try {
      expect(await checkPostgresSchema(owner)).toEqual([
        'loose_notes: tenant_id is nullable',
        'loose_notes: primary key loose_notes_pkey led by id, not tenant_id',
        'loose_notes: index loose_notes_tenant led by id, not tenant_id',
        'loose_notes: row-level security is not enabled',
        'loose_notes: row-level security is not forced (the owner bypasses it)',
        'loose_notes: no row-level security policy',
      ]);
    } finally {
      await owner.query('DROP TABLE loose_notes');
    }
  });

  it('gives the app role no way around the policies', async () => {
    const role = await app.query<{ superuser: boolean; bypass: boolean }>(
      'SELECT rolsuper AS superuser, rolbypassrls AS bypass FROM pg_roles WHERE rolname = current_user',
    );
    expect(role.rows[0]).toEqual({ superuser: false, bypass: false });
    const owned = await app.query(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND pg_has_role(current_user, tableowner, 'MEMBER')`,
    );
    expect(owned.rows).toEqual([]);
  });

  it('grants the app role no TRUNCATE', async () => {
    const truncate = await app.query<{ table: string }>(
      `SELECT table_name AS table FROM information_schema.table_privileges
        WHERE grantee = current_user AND privilege_type IN ('TRUNCATE', 'TRIGGER', 'REFERENCES')`,
    );
    expect(truncate.rows).toEqual([]);
    await expect(app.query('TRUNCATE tickets')).rejects.toThrow(/permission denied/);
  });

  it('shows an unfiltered query only its tenant', async () => {
    expect(await countTicketsOf(app, acme.id, acme.id)).toBe(3);
    expect(await countTicketsOf(app, acme.id, globex.id)).toBe(0);
    const all = await app.query('BEGIN').then(async () => {
      await app.query(`SELECT set_config('app.tenant_id', $1, true)`, [globex.id]);
      const rows = await app.query<{ tenant_id: string }>('SELECT DISTINCT tenant_id FROM tickets');
      await app.query('COMMIT');
      return rows.rows.map((row) => row.tenant_id);
    });
    expect(all).toEqual([globex.id]);
  });

  it('shows no rows to a transaction without a tenant', async () => {
    const result = await app.query<{ count: string }>('SELECT count(*) AS count FROM tickets');
    expect(Number(result.rows[0]!.count)).toBe(0);
  });

  it('rejects a write for another tenant', async () => {
    await app.query('BEGIN');
    try {
      await app.query(`SELECT set_config('app.tenant_id', $1, true)`, [acme.id]);
      await expect(
        app.query(`UPDATE tickets SET title = 'moved' WHERE tenant_id = $1`, [globex.id]).then((result) => result.rowCount),
      ).resolves.toBe(0);
      await expect(app.query(`UPDATE tickets SET tenant_id = $1`, [globex.id])).rejects.toThrow(/row-level security/);
    } finally {
      await app.query('ROLLBACK');
    }
  });

  describe('the tenant store', () => {
    let dataSource: DataSource;
    let store: PostgresTenantStore;

    beforeAll(async () => {
      // One pooled connection, so the check after each unit of work runs on the same session.
      dataSource = new DataSource({ type: 'postgres', url: database.appUrl, extra: { max: 1 } });
      await dataSource.initialize();
      store = new PostgresTenantStore('test', dataSource);
    });

    afterAll(async () => {
      await dataSource?.destroy();
    });

    it('leaves no tenant on the pooled connection', async () => {
      const tenants = await store.read(acme.id, (manager) =>
        manager.query('SELECT DISTINCT tenant_id FROM tickets'),
      ) as Array<{ tenant_id: string }>;
      expect(tenants.map((row) => row.tenant_id)).toEqual([acme.id]);

      const after = (await dataSource.query(`SELECT current_setting('app.tenant_id', true) AS tenant`)) as Array<{
        tenant: string | null;
      }>;
      expect(after[0]!.tenant ?? '').toBe('');
      const leaked = (await dataSource.query('SELECT count(*) AS count FROM tickets')) as Array<{ count: string }>;
      expect(Number(leaked[0]!.count)).toBe(0);
    });

    it('runs reads in a read-only transaction', async () => {
      await expect(
        store.read(acme.id, (manager) => manager.query(`UPDATE tickets SET title = 'changed by a read'`)),
      ).rejects.toThrow(/read-only transaction/);
    });

    it('sets the tenant for writes', async () => {
      const changed = await store.write(acme.id, async (manager) => {
        const result = (await manager.query(`UPDATE tickets SET priority = priority RETURNING tenant_id`)) as [
          Array<{ tenant_id: string }>,
          number,
        ];
        return result[0].map((row) => row.tenant_id);
      });
      expect(new Set(changed)).toEqual(new Set([acme.id]));
    });
  });

  describe('with a policy removed', () => {
    afterAll(async () => {
      // Restore the table exactly as the migration created it, so later tests see the real schema.
      await owner.query('DROP POLICY IF EXISTS "tickets_tenant_isolation" ON tickets');
      for (const statement of postgresTenantPolicy('tickets')) await owner.query(statement);
    });

    it('fails the schema check', async () => {
      await owner.query('DROP POLICY "tickets_tenant_isolation" ON tickets');

      expect(await checkPostgresSchema(owner)).toEqual(['tickets: no row-level security policy']);
      // Without a policy, enabled row-level security hides every row, even the tenant's own.
      expect(await countTicketsOf(app, acme.id, acme.id)).toBe(0);
    });

    it('leaks another tenant once RLS is off', async () => {
      await owner.query('ALTER TABLE tickets DISABLE ROW LEVEL SECURITY');

      expect(await checkPostgresSchema(owner)).toEqual([
        'tickets: row-level security is not enabled',
        'tickets: no row-level security policy',
      ]);
      expect(await countTicketsOf(app, acme.id, globex.id)).toBeGreaterThan(0);

      await owner.query('ALTER TABLE tickets ENABLE ROW LEVEL SECURITY');
      await owner.query(postgresTenantPolicy('tickets')[2]!);
      expect(await checkPostgresSchema(owner)).toEqual([]);
      expect(await countTicketsOf(app, acme.id, globex.id)).toBe(0);
    });

    it('lets the owner through without FORCE', async () => {
      expect(await countTicketsOf(owner, acme.id, globex.id)).toBe(0);
      await owner.query('ALTER TABLE tickets NO FORCE ROW LEVEL SECURITY');

      expect(await checkPostgresSchema(owner)).toEqual([
        'tickets: row-level security is not forced (the owner bypasses it)',
      ]);
      expect(await countTicketsOf(owner, acme.id, globex.id)).toBeGreaterThan(0);

      await owner.query('ALTER TABLE tickets FORCE ROW LEVEL SECURITY');
      expect(await countTicketsOf(owner, acme.id, globex.id)).toBe(0);
    });

    it('flags an extra permissive policy', async () => {
      await owner.query('CREATE POLICY tickets_everything ON tickets USING (true)');
      try {
        expect(await checkPostgresSchema(owner)).toEqual([
          'tickets: permissive policy tickets_everything is not a tenant filter and widens access',
        ]);
        expect(await countTicketsOf(app, acme.id, globex.id)).toBeGreaterThan(0);
      } finally {
        await owner.query('DROP POLICY tickets_everything ON tickets');
      }
      expect(await countTicketsOf(app, acme.id, globex.id)).toBe(0);
    });
  });

  describe('start-up role checks', () => {
    const superuser = () => connect(postgresUrl(SUPERUSER_ROLE, database.name));
    const roleName = `masala_test_role_${crypto.randomUUID().replace(/-/g, '').slice(0, 8)}`;

    afterAll(async () => {
      const admin = await superuser();
      try {
        await admin.query(`DROP OWNED BY ${roleName}`).catch(() => undefined);
        await admin.query(`DROP ROLE IF EXISTS ${roleName}`);
      } finally {
        await admin.end();
      }
    });

    const startWith = (databaseUrl: string) => startTestApp({ DATABASE_URL: databaseUrl });

    it('rejects the table owner', async () => {
      await expect(startWith(database.ownerUrl)).rejects.toThrow(/refuses to start[\s\S]*owns, or is a member of the owner of/);
    });

    it('rejects a superuser', async () => {
      await expect(startWith(postgresUrl(SUPERUSER_ROLE, database.name))).rejects.toThrow(/SUPERUSER/);
    });

    it('rejects a BYPASSRLS role', async () => {
      const admin = await superuser();
      try {
        await admin.query(`CREATE ROLE ${roleName} LOGIN BYPASSRLS`);
        await admin.query(`GRANT CONNECT ON DATABASE ${database.name} TO ${roleName}`);
        await admin.query(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${roleName}`);
      } finally {
        await admin.end();
      }
      await expect(startWith(postgresUrl(roleName, database.name))).rejects.toThrow(/BYPASSRLS/);
    });

    it('rejects a member of the owner role', async () => {
      const admin = await superuser();
      try {
        await admin.query(`ALTER ROLE ${roleName} NOBYPASSRLS`);
        await admin.query(`GRANT masala_owner TO ${roleName}`);
      } finally {
        await admin.end();
      }
      await expect(startWith(postgresUrl(roleName, database.name))).rejects.toThrow(/member of the owner/);
    });

    it('rejects a schema that is not migrated', async () => {
      const empty = await createTestDatabase();
      try {
        await expect(startWith(empty.appUrl)).rejects.toThrow(/MASALA_MIGRATION_DATABASE_URL/);
      } finally {
        await empty.drop();
      }
    });

    it('starts as the app role', async () => {
      const second = await startTestApp({ DATABASE_URL: database.appUrl });
      try {
        const ready = await second.http.get('/health/ready').expect(200);
        expect(ready.body.checks.database).toBe('ok');
      } finally {
        await second.close();
      }
      expect(APP_ROLE).toBe('masala_app');
    });
  });
});
