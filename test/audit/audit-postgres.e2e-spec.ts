import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import pg from 'pg';
import { AccessDenialRecorder, AuditSubjectRedactor, ERASED } from '#audit';
import { TenantDatabase } from '#kernel';
import type { Tenant } from '#tenancy';
import {
  auditArchive,
  auditVerify,
  auditVerifyArchive,
} from '../../apps/cli/src/commands/audit.commands.js';
import {
  createTestDatabase,
  ensurePostgres,
  logSkip,
  type TestDatabase,
} from '../postgres/support/postgres.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { allEntries, asSystem } from './audit-support.js';

const postgres = await ensurePostgres();
if (!postgres.available) logSkip('audit trail on PostgreSQL', postgres.reason);
const describePostgres = postgres.available ? describe : describe.skip;

/** Runs `work` in a transaction of `url` that has `tenantId` set for row-level security. */
async function asTenant<T>(
  url: string,
  tenantId: string,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

describePostgres('audit trail on PostgreSQL', () => {
  let database: TestDatabase;
  let t: TestApp;
  let acme: Tenant;
  let customerId: string;
  let adminToken: string;

  const verifyOverHttp = async () => {
    const response = await t.http
      .get('/api/v1/audit/verify')
      .set('X-Tenant-ID', 'acme')
      .set('Authorization', `Bearer ${adminToken}`)
      .expect(200);
    return response.body as { valid: boolean; entries: number; firstBrokenId?: string };
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    t = await startTestApp(database.env);
    acme = await t.createTenant('acme');
    customerId = await t.createUser(acme, 'customer@acme.test', ['Customer']);
    await t.createUser(acme, 'admin@acme.test', ['Admin']);
    adminToken = await t.login('acme', 'admin@acme.test');
    const customerToken = await t.login('acme', 'customer@acme.test');
    for (const title of ['Screen flickers for customer@acme.test', 'Printer jam']) {
      await t.http
        .post('/api/v1/tickets')
        .set('X-Tenant-ID', 'acme')
        .set('Authorization', `Bearer ${customerToken}`)
        .send({ title, description: 'x', customFields: { urgency: 'Low' } })
        .expect(201);
    }
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  it('verifies the chain', async () => {
    expect((await verifyOverHttp()).valid).toBe(true);
  });

  it('records a denied request', async () => {
    const customerToken = await t.login('acme', 'customer@acme.test');
    await t.http
      .get('/api/v1/audit')
      .set('X-Tenant-ID', 'acme')
      .set('Authorization', `Bearer ${customerToken}`)
      .expect(403);
    await t.app.get(AccessDenialRecorder).flush();
    const denials = await allEntries(t, 'acme', adminToken, { action: 'access.denied' });
    expect(denials.map((entry) => entry.newValues?.reason)).toEqual(['forbidden']);
  });

  it('erases a subject under row-level security', async () => {
    const result = await asSystem(() =>
      t.app
        .get(TenantDatabase)
        .write(acme.id, (unitOfWork) =>
          t.app
            .get(AuditSubjectRedactor)
            .redactSubject(unitOfWork, acme.id, customerId, ['customer@acme.test']),
        ),
    );
    expect(result.entriesRewritten).toBeGreaterThan(0);
    const entries = await allEntries(t, 'acme', adminToken, { subjectId: customerId });
    const created = entries.filter((entry) => entry.action === 'ticket.created');
    expect(created.map((entry) => entry.newValues?.title)).toEqual([ERASED, ERASED]);
    expect(JSON.stringify(await allEntries(t, 'acme', adminToken))).not.toContain(
      'customer@acme.test',
    );
    expect((await verifyOverHttp()).valid).toBe(true);
    const permits = await asTenant(database.appUrl, acme.id, (client) =>
      client.query('SELECT count(*)::int AS n FROM audit_rewrite_permits'),
    );
    expect(permits.rows[0]).toEqual({ n: 0 });
  });

  it('archives and verifies from the checkpoint', async () => {
    const out = join(t.dataDir, 'postgres-archive.jsonl');
    const archived = await asSystem(() =>
      auditArchive(t.app, 'acme', { before: new Date().toISOString(), out }),
    );
    expect(archived.exitCode).toBe(0);
    expect((await auditVerifyArchive(out)).exitCode).toBe(0);
    expect((await verifyOverHttp()).valid).toBe(true);
    expect((await asSystem(() => auditVerify(t.app, 'acme'))).exitCode).toBe(0);
  });

  it('rejects UPDATE and DELETE by the app role', async () => {
    // Row triggers fire only for existing rows, so this runs once both tables have some.
    for (const statement of [
      "UPDATE audit_log_entries SET action = 'forged'",
      'DELETE FROM audit_log_entries',
      "UPDATE audit_checkpoints SET reason = 'forged'",
      'DELETE FROM audit_checkpoints',
    ]) {
      await expect(
        asTenant(database.appUrl, acme.id, (client) => client.query(statement)),
      ).rejects.toThrow(/append-only/);
    }
  });

  it('finds an entry the schema owner edited', async () => {
    const [target] = await allEntries(t, 'acme', adminToken);
    await asTenant(database.ownerUrl, acme.id, async (client) => {
      await client.query(
        'ALTER TABLE audit_log_entries DISABLE TRIGGER audit_log_entries_append_only',
      );
      await client.query('UPDATE audit_log_entries SET actor_id = $1 WHERE id = $2', [
        'someone-else',
        target!.id,
      ]);
      await client.query(
        'ALTER TABLE audit_log_entries ENABLE TRIGGER audit_log_entries_append_only',
      );
    });
    const result = await verifyOverHttp();
    expect(result.valid).toBe(false);
    expect(result.firstBrokenId).toBe(target!.id);
  });
});
