import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import {
  AuditException,
  AuditSubjectRedactor,
  ERASED,
  type AuditEntryView,
  type AuditRedactionResult,
} from '#audit';
import { CreateUserCommand } from '#identity';
import { RequestContext, SYSTEM_ACTOR, TenantDatabase, type Actor } from '#kernel';
import type { Tenant } from '#tenancy';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.js';
import { allEntries, asSystem, openRawDatabase } from './audit-support.js';

interface CheckpointRow {
  kind: string;
  sequence: number;
  last_sequence: number;
  previous_hash_before: string;
  previous_hash_after: string;
  entries: number;
  reason: string;
}

describe('erasing a subject from the audit trail', () => {
  let t: TestApp;
  let acme: Tenant;
  let aliceId: string;
  let adminToken: string;
  let adminActor: Actor;
  let before: AuditEntryView[];
  let result: AuditRedactionResult;

  const createUser = async (
    tenant: Tenant,
    email: string,
    displayName: string,
    roles: string[],
  ) => {
    const created = await asSystem(() =>
      RequestContext.withTenant(tenant.id, () =>
        t.app
          .get(CommandBus)
          .execute(
            new CreateUserCommand(tenant.id, SYSTEM_ACTOR, {
              email,
              displayName,
              roles,
              password: TEST_PASSWORD,
            }),
          ),
      ),
    );
    return created.user.id;
  };
  const redact = (
    tenantId: string,
    subjectId: string,
    replacements: string[],
    unitTenant = tenantId,
  ) =>
    asSystem(() =>
      t.app.get(TenantDatabase).write(unitTenant, (unitOfWork) =>
        t.app
          .get(AuditSubjectRedactor)
          .redactSubject(unitOfWork, tenantId, subjectId, replacements, {
            actor: adminActor,
            reason: 'erasure request 7',
          }),
      ),
    );
  const createTicket = (token: string, slug: string, title: string, description: string) =>
    t.http
      .post('/api/v1/tickets')
      .set('X-Tenant-ID', slug)
      .set('Authorization', `Bearer ${token}`)
      .send({ title, description, customFields: { urgency: 'Low' } })
      .expect(201);
  const checkpoints = (tenantId: string): CheckpointRow[] => {
    const raw = openRawDatabase(t);
    try {
      return raw
        .prepare('SELECT * FROM audit_checkpoints WHERE tenant_id = ? ORDER BY sequence')
        .all(tenantId) as CheckpointRow[];
    } finally {
      raw.close();
    }
  };

  beforeAll(async () => {
    t = await startTestApp();
    acme = await t.createTenant('acme');
    aliceId = await createUser(acme, 'alice@acme.test', 'Alice Martin', ['Customer']);
    await createUser(acme, 'bob@acme.test', 'Bob Stone', ['Customer']);
    const adminId = await createUser(acme, 'admin@acme.test', 'Ada Admin', ['Admin']);
    adminActor = { type: 'user', id: adminId, roles: ['Admin'] };
    adminToken = await t.login('acme', 'admin@acme.test');
    const aliceToken = await t.login('acme', 'alice@acme.test');
    const bobToken = await t.login('acme', 'bob@acme.test');

    await createTicket(aliceToken, 'acme', "Alice Martin's laptop", 'Mail me at ALICE@acme.test');
    await createTicket(bobToken, 'acme', 'Printer jam', 'Floor 2, ask Bob Stone');
    before = await allEntries(t, 'acme', adminToken);
    result = await redact(acme.id, aliceId, ['Alice Martin', 'alice@acme.test', '']);
  });

  afterAll(async () => {
    await t.close();
  });

  it('reports what it rewrote', () => {
    expect(result.entriesRewritten).toBeGreaterThanOrEqual(3);
    expect(result.entriesResealed).toBeGreaterThanOrEqual(result.entriesRewritten);
    expect(result.checkpointId).toEqual(expect.any(String));
  });

  it('removes every identifying string', async () => {
    const after = JSON.stringify(await allEntries(t, 'acme', adminToken)).toLowerCase();
    expect(after).not.toContain('alice martin');
    expect(after).not.toContain('alice@acme.test');
  });

  it('keeps rewritten values encrypted at rest', () => {
    const raw = openRawDatabase(t);
    try {
      const rows = raw
        .prepare('SELECT old_values, new_values FROM audit_log_entries WHERE tenant_id = ?')
        .all(acme.id) as Array<{ old_values: string | null; new_values: string | null }>;
      const stored = rows
        .flatMap((row) => [row.old_values, row.new_values])
        .filter((value) => value !== null);
      expect(stored.length).toBeGreaterThan(0);
      expect(stored.filter((value) => !value!.startsWith('"enc:'))).toEqual([]);
    } finally {
      raw.close();
    }
  });

  it('erases the personal fields of entries about the subject', async () => {
    const after = await allEntries(t, 'acme', adminToken, { subjectId: aliceId });
    const created = after.find((entry) => entry.action === 'ticket.created')!;
    expect(created.newValues?.title).toBe(ERASED);
    expect(created.newValues?.description).toBe(ERASED);
    expect(created.newValues?.status).toBe('NEW');
    const user = after.find((entry) => entry.action === 'user.created')!;
    expect(user.newValues?.email).toBe(ERASED);
    expect(user.newValues?.roles).toEqual(['Customer']);
  });

  it('clears client details where the subject acted', async () => {
    const acted = await allEntries(t, 'acme', adminToken, { actorId: aliceId });
    expect(acted.length).toBeGreaterThan(0);
    expect(acted.every((entry) => entry.ip === null && entry.userAgent === null)).toBe(true);
  });

  it('leaves entries about others unchanged', async () => {
    const after = new Map(
      (await allEntries(t, 'acme', adminToken)).map((entry) => [entry.id, entry]),
    );
    const others = before.filter(
      (entry) =>
        !entry.subjectIds.includes(aliceId) &&
        entry.actor.id !== aliceId &&
        entry.entityId !== aliceId,
    );
    expect(others.length).toBeGreaterThan(0);
    for (const entry of others) {
      const now = after.get(entry.id)!;
      expect(now.newValues).toEqual(entry.newValues);
      expect(now.oldValues).toEqual(entry.oldValues);
      expect(now.ip).toBe(entry.ip);
    }
    expect(JSON.stringify([...after.values()])).toContain('Bob Stone');
  });

  it('keeps the chain valid', async () => {
    const response = await t.http
      .get('/api/v1/audit/verify')
      .set('X-Tenant-ID', 'acme')
      .set('Authorization', `Bearer ${adminToken}`)
      .expect(200);
    expect(response.body.valid).toBe(true);
  });

  it('records a redaction checkpoint', () => {
    const [checkpoint] = checkpoints(acme.id);
    const firstAboutAlice = before.find(
      (entry) => entry.subjectIds.includes(aliceId) || entry.entityId === aliceId,
    )!;
    expect(checkpoint).toMatchObject({
      kind: 'redaction',
      sequence: firstAboutAlice.sequence,
      last_sequence: before.at(-1)!.sequence,
      previous_hash_before: before.at(-1)!.hash,
      entries: result.entriesRewritten,
      reason: 'erasure request 7',
    });
    expect(checkpoint!.previous_hash_after).not.toBe(checkpoint!.previous_hash_before);
  });

  it('appends its own audit.redacted entry', async () => {
    const [entry] = await allEntries(t, 'acme', adminToken, { action: 'audit.redacted' });
    expect(entry!.entityId).toBe(aliceId);
    expect(entry!.actor.id).toBe(adminActor.id);
    expect(entry!.newValues?.checkpointId).toBe(result.checkpointId);
    expect(entry!.previousHash).toBe(checkpoints(acme.id)[0]!.previous_hash_after);
  });

  it('closes the rewrite permit', () => {
    const raw = openRawDatabase(t);
    try {
      expect(raw.prepare('SELECT COUNT(*) AS n FROM audit_rewrite_permits').get()).toEqual({
        n: 0,
      });
      expect(() => raw.prepare("UPDATE audit_log_entries SET action = 'forged'").run()).toThrow(
        /append-only/,
      );
      expect(() => raw.prepare('DELETE FROM audit_checkpoints').run()).toThrow(/append-only/);
    } finally {
      raw.close();
    }
  });

  it('changes nothing on a second run', async () => {
    const again = await redact(acme.id, aliceId, ['Alice Martin', 'alice@acme.test']);
    expect(again.entriesRewritten).toBe(0);
    expect(again.checkpointId).toBeNull();
    expect(checkpoints(acme.id)).toHaveLength(1);
  });

  it('rejects a unit of work of another tenant', async () => {
    const globex = await t.createTenant('globex');
    await expect(redact(acme.id, aliceId, [], globex.id)).rejects.toThrow(/unit of work of tenant/);
  });

  it('rejects an invalid subject id', async () => {
    await expect(redact(acme.id, 'bad%id', [])).rejects.toBeInstanceOf(AuditException);
  });

  it('refuses to re-seal over a broken chain', async () => {
    const initech = await t.createTenant('initech');
    const carolId = await createUser(initech, 'carol@initech.test', 'Carol Reyes', ['Customer']);
    await createUser(initech, 'admin@initech.test', 'Ian Admin', ['Admin']);
    const carolToken = await t.login('initech', 'carol@initech.test');
    const initechAdmin = await t.login('initech', 'admin@initech.test');
    await createTicket(carolToken, 'initech', 'Carol Reyes needs access', 'x');
    const entries = await allEntries(t, 'initech', initechAdmin);
    const target = entries.find((entry) => entry.action === 'ticket.created')!;
    const raw = openRawDatabase(t);
    try {
      raw.exec('DROP TRIGGER audit_log_entries_no_update');
      raw
        .prepare('UPDATE audit_log_entries SET action = ? WHERE id = ?')
        .run('ticket.forged', target.id);
      raw.exec(`CREATE TRIGGER audit_log_entries_no_update BEFORE UPDATE ON audit_log_entries
        WHEN NOT EXISTS (SELECT 1 FROM audit_rewrite_permits WHERE tenant_id = OLD.tenant_id)
        BEGIN SELECT RAISE(ABORT, 'audit_log_entries is append-only'); END`);
    } finally {
      raw.close();
    }

    const attempt = redact(initech.id, carolId, ['Carol Reyes']);
    await expect(attempt).rejects.toMatchObject({ code: 'conflict' });
    expect(checkpoints(initech.id)).toEqual([]);
    const after = await allEntries(t, 'initech', initechAdmin);
    expect(JSON.stringify(after)).toContain('Carol Reyes');
    const verification = await t.http
      .get('/api/v1/audit/verify')
      .set('X-Tenant-ID', 'initech')
      .set('Authorization', `Bearer ${initechAdmin}`)
      .expect(200);
    expect(verification.body.firstBrokenId).toBe(target.id);
  });
});
