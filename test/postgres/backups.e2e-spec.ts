import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import type { Tenant } from '#tenancy';
import { startTestApp, type TestApp } from '../support/test-app.js';
import {
  createTestDatabase,
  ensurePostgres,
  logSkip,
  OWNER_ROLE,
  postgresUrl,
  SUPERUSER_ROLE,
  type TestDatabase,
} from './support/postgres.js';

const postgres = await ensurePostgres();
if (!postgres.available) logSkip('PostgreSQL backups', postgres.reason);
const describePostgres = postgres.available ? describe : describe.skip;

/**
 * Tables without row-level security: two list every tenant, and the migrations table belongs to
 * the target database, so a tenant's dump leaves their data out.
 */
const PLATFORM_TABLE_DATA = ['tenants', 'domain_config_versions', 'migrations'];

function pgDump(url: string, args: string[], options: string[] = []): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('pg_dump', ['--dbname', url, ...args], {
    env: { ...process.env, PGOPTIONS: options.join(' ') },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function psql(url: string, input: string, options: string[] = []): { status: number | null; stderr: string } {
  const result = spawnSync('psql', ['--dbname', url, '--quiet', '--no-psqlrc', '-v', 'ON_ERROR_STOP=1'], {
    env: { ...process.env, PGOPTIONS: options.join(' ') },
    input,
    encoding: 'utf8',
  });
  return { status: result.status, stderr: result.stderr };
}

describePostgres('PostgreSQL backups with pg_dump', () => {
  let database: TestDatabase;
  let tenantDump: string;
  let t: TestApp;
  let acme: Tenant;
  let globex: Tenant;
  const backupRole = `masala_backup_${crypto.randomUUID().replace(/-/g, '').slice(0, 8)}`;

  beforeAll(async () => {
    database = await createTestDatabase();
    t = await startTestApp(database.env);
    acme = await t.createTenant('acme');
    globex = await t.createTenant('globex');
    for (const tenant of [acme, globex]) {
      await t.createUser(tenant, `agent@${tenant.slug}.test`, ['Employee']);
      await t.createUser(tenant, `admin@${tenant.slug}.test`, ['Admin']);
      const token = await t.login(tenant.slug, `agent@${tenant.slug}.test`);
      await t.http
        .post('/api/v1/tickets')
        .set('X-Tenant-ID', tenant.slug)
        .set('Authorization', `Bearer ${token}`)
        .send({ title: `Ticket of ${tenant.slug}`, description: 'x', customFields: { urgency: 'Low' } })
        .expect(201);
    }

    const admin = new pg.Client({ connectionString: postgresUrl(SUPERUSER_ROLE, database.name) });
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE ${backupRole} LOGIN BYPASSRLS`);
      await admin.query(`GRANT CONNECT ON DATABASE ${database.name} TO ${backupRole}`);
      await admin.query(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${backupRole}`);
      await admin.query(`GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO ${backupRole}`);
    } finally {
      await admin.end();
    }
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await database?.drop();
    const admin = new pg.Client({ connectionString: postgresUrl(SUPERUSER_ROLE, 'postgres') });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${backupRole}`).finally(() => admin.end());
  });

  it('dumps one tenant through its policies', () => {
    const exclusions = PLATFORM_TABLE_DATA.flatMap((table) => ['--exclude-table-data', table]);
    const dump = pgDump(
      database.ownerUrl,
      // COPY is not allowed into a table with row-level security, so the restore needs INSERTs.
      ['--data-only', '--enable-row-security', '--column-inserts', ...exclusions],
      [`-c app.tenant_id=${acme.id}`],
    );

    expect(dump.stderr).toBe('');
    expect(dump.status).toBe(0);
    expect(dump.stdout).toContain('Ticket of acme');
    expect(dump.stdout).toContain(acme.id);
    expect(dump.stdout).not.toContain('Ticket of globex');
    expect(dump.stdout).not.toContain(globex.id);
    tenantDump = dump.stdout;
  });

  it('restores one tenant into a migrated database', async () => {
    const target = await createTestDatabase();
    try {
      const migrated = await startTestApp(target.env);
      await migrated.close();
      const [registryRow] = await database.queryAsOwner<Record<string, unknown>>('SELECT * FROM tenants WHERE id = $1', [acme.id]);
      const columns = Object.keys(registryRow!);
      await target.queryAsOwner(
        `INSERT INTO tenants (${columns.join(', ')}) VALUES (${columns.map((_column, index) => `$${index + 1}`).join(', ')})`,
        columns.map((column) => registryRow![column]),
      );

      const restored = psql(target.ownerUrl, tenantDump, [`-c app.tenant_id=${acme.id}`]);
      expect(restored.stderr).toBe('');
      expect(restored.status).toBe(0);

      // Field encryption keys live in the key store, not the database, so the restored instance
      // needs the original key store and master key, as after `masala keys backup`.
      const second = await startTestApp({
        ...target.env,
        MASALA_KEY_STORE_DIR: t.settings.keyStoreDir,
        MASALA_MASTER_KEY_FILE: t.settings.masterKeyFile ?? join(t.dataDir, 'master.key'),
      });
      try {
        const token = await second.login('acme', 'agent@acme.test');
        const list = await second.http.get('/api/v1/tickets').set('X-Tenant-ID', 'acme').set('Authorization', `Bearer ${token}`);
        expect(list.status).toBe(200);
        expect((list.body.data as Array<{ title: string }>).map((item) => item.title)).toEqual(['Ticket of acme']);
        const adminToken = await second.login('acme', 'admin@acme.test');
        const audit = await second.http
          .get('/api/v1/audit/verify')
          .set('X-Tenant-ID', 'acme')
          .set('Authorization', `Bearer ${adminToken}`);
        expect(audit.status).toBe(200);
        expect(audit.body.valid).toBe(true);
        expect(audit.body.entries).toBeGreaterThan(3);
      } finally {
        await second.close();
      }
    } finally {
      await target.drop();
    }
  });

  it('refuses a whole dump as the owner', () => {
    // FORCE ROW LEVEL SECURITY applies to the owner, and pg_dump stops rather than dump a subset.
    const dump = pgDump(database.ownerUrl, ['--data-only']);
    expect(dump.status).not.toBe(0);
    expect(dump.stderr).toMatch(/row-level security/);
    expect(OWNER_ROLE).toBe('masala_owner');
  });

  it('dumps every tenant as a BYPASSRLS backup role', () => {
    const dump = pgDump(postgresUrl(backupRole, database.name), ['--data-only']);
    expect(dump.status).toBe(0);
    expect(dump.stdout).toContain('Ticket of acme');
    expect(dump.stdout).toContain('Ticket of globex');
  });
});
