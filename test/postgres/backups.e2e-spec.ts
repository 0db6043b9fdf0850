import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
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

/** Tables without row-level security whose rows name every tenant; a tenant's dump leaves them out. */
const PLATFORM_TABLE_DATA = ['tenants', 'domain_config_versions'];

function pgDump(url: string, args: string[], options: string[] = []): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('pg_dump', ['--dbname', url, ...args], {
    env: { ...process.env, PGOPTIONS: options.join(' ') },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describePostgres('PostgreSQL backups with pg_dump', () => {
  let database: TestDatabase;
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
      ['--data-only', '--enable-row-security', ...exclusions],
      [`-c app.tenant_id=${acme.id}`],
    );

    expect(dump.stderr).toBe('');
    expect(dump.status).toBe(0);
    expect(dump.stdout).toContain('Ticket of acme');
    expect(dump.stdout).toContain(acme.id);
    expect(dump.stdout).not.toContain('Ticket of globex');
    expect(dump.stdout).not.toContain(globex.id);
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
