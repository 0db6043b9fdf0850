import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GENESIS_HASH, type AuditEntryView } from '#audit';
import { SYSTEM_ACTOR } from '#kernel';
import { CreateTenantCommand, type Tenant } from '#tenancy';
import { CliError } from '../../apps/cli/src/cli-context.js';
import {
  auditArchive,
  auditVerify,
  auditVerifyArchive,
} from '../../apps/cli/src/commands/audit.commands.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import {
  allEntries,
  asSystem,
  openRawDatabase,
  recordEvents,
  SyntheticChangeEvent,
  userActor,
} from './audit-support.js';

const DAY_MS = 86_400_000;
const OLD_EVENTS = 40;
const RECENT_EVENTS = 15;

/** Every timer stays real; only Date is pinned, so the write queue keeps running. */
const DATE_ONLY: Parameters<typeof jest.useFakeTimers>[0] = {
  doNotFake: [
    'hrtime',
    'nextTick',
    'performance',
    'queueMicrotask',
    'setImmediate',
    'clearImmediate',
    'setInterval',
    'clearInterval',
    'setTimeout',
    'clearTimeout',
  ],
};

describe('audit retention and archives', () => {
  let t: TestApp;
  let acme: Tenant;
  let adminToken: string;
  let oldEntries: number;
  let firstArchive: string;

  const events = (tenantId: string, count: number, action: string) =>
    Array.from(
      { length: count },
      (_, index) =>
        new SyntheticChangeEvent(tenantId, userActor('operator'), { action, values: { index } }),
    );
  const verifyOverHttp = async () => {
    const response = await t.http
      .get('/api/v1/audit/verify')
      .set('X-Tenant-ID', 'acme')
      .set('Authorization', `Bearer ${adminToken}`)
      .expect(200);
    return response.body as {
      valid: boolean;
      entries: number;
      startSequence: number;
      reason?: string;
    };
  };
  const live = (): Promise<AuditEntryView[]> => allEntries(t, 'acme', adminToken);
  const archive = (options: Parameters<typeof auditArchive>[2], slug = 'acme') =>
    asSystem(() => auditArchive(t.app, slug, { json: true, ...options }));

  beforeAll(async () => {
    t = await startTestApp();
    jest.useFakeTimers({ ...DATE_ONLY, now: Date.now() - 100 * DAY_MS });
    try {
      acme = await asSystem(() =>
        t.app
          .get(CommandBus)
          .execute(
            new CreateTenantCommand(
              { slug: 'acme', name: 'Acme', settings: { auditRetentionDays: 30 } },
              SYSTEM_ACTOR,
            ),
          ),
      );
      await t.createUser(acme, 'admin@acme.test', ['Admin']);
      await recordEvents(t, acme.id, events(acme.id, OLD_EVENTS, 'widget.old'));
    } finally {
      jest.useRealTimers();
    }
    await recordEvents(t, acme.id, events(acme.id, RECENT_EVENTS, 'widget.recent'));
    adminToken = await t.login('acme', 'admin@acme.test');
    const cutoff = new Date(Date.now() - 30 * DAY_MS).toISOString();
    oldEntries = (await live()).filter((entry) => entry.createdAt < cutoff).length;
  });

  afterAll(async () => {
    await t.close();
  });

  it('counts old entries in a dry run', async () => {
    expect(oldEntries).toBeGreaterThanOrEqual(OLD_EVENTS + 2);
    const outcome = await archive({ dryRun: true });
    expect(outcome.exitCode).toBe(0);
    const result = JSON.parse(outcome.output);
    expect(result.dryRun).toBe(true);
    expect(result.entries).toBe(oldEntries);
    expect(result.file).toBeNull();
    expect((await live())[0]!.sequence).toBe(1);
  });

  it('archives entries past the retention period', async () => {
    const outcome = await archive({});
    const result = JSON.parse(outcome.output);
    expect(result.entries).toBe(oldEntries);
    expect(result.firstSequence).toBe(1);
    expect(result.lastSequence).toBe(oldEntries);
    expect(result.file).toContain(join(t.dataDir, 'audit-archives', 'acme'));
    expect(existsSync(result.file)).toBe(true);
    firstArchive = result.file as string;

    const remaining = await live();
    expect(remaining[0]!.sequence).toBe(oldEntries + 1);
    expect(remaining.some((entry) => entry.action === 'widget.old')).toBe(false);
    const confirmation = remaining.find((entry) => entry.action === 'audit.archived')!;
    expect(confirmation.entityId).toBe(result.checkpointId);
    expect(confirmation.newValues?.entries).toBe(oldEntries);
  });

  it('verifies the live chain from the checkpoint', async () => {
    const result = await verifyOverHttp();
    expect(result.valid).toBe(true);
    expect(result.startSequence).toBe(oldEntries + 1);
    const cli = await asSystem(() => auditVerify(t.app, 'acme'));
    expect(cli.exitCode).toBe(0);
  });

  it('verifies the archive file by its chain', async () => {
    const outcome = await auditVerifyArchive(firstArchive, { json: true });
    expect(outcome.exitCode).toBe(0);
    const result = JSON.parse(outcome.output);
    expect(result.entries).toBe(oldEntries);
    expect(result.header.kind).toBe('archive');
    expect(result.header.tenantId).toBe(acme.id);
    expect(result.header.tenantSlug).toBe('acme');
    expect(result.header.firstPreviousHash).toBe(GENESIS_HASH);
  });

  it('reports an edited or truncated archive', async () => {
    const lines = (await readFile(firstArchive, 'utf8')).trimEnd().split('\n');
    const edited = [...lines];
    const target = JSON.parse(edited[3]!);
    edited[3] = JSON.stringify({ ...target, actorId: 'someone-else' });
    const editedFile = join(t.dataDir, 'edited.jsonl');
    await writeFile(editedFile, `${edited.join('\n')}\n`);
    const editedOutcome = await auditVerifyArchive(editedFile, { json: true });
    expect(editedOutcome.exitCode).toBe(1);
    expect(JSON.parse(editedOutcome.output).firstBrokenId).toBe(target.id);

    const truncatedFile = join(t.dataDir, 'truncated.jsonl');
    await writeFile(truncatedFile, `${lines.slice(0, -2).join('\n')}\n`);
    const truncated = await auditVerifyArchive(truncatedFile);
    expect(truncated.exitCode).toBe(1);
    expect(truncated.output).toContain(`header promises ${oldEntries} entries`);

    const garbage = join(t.dataDir, 'garbage.jsonl');
    await writeFile(garbage, 'not json\n');
    expect((await auditVerifyArchive(garbage)).exitCode).toBe(1);
    await expect(auditVerifyArchive(join(t.dataDir, 'missing.jsonl'))).rejects.toMatchObject({
      exitCode: 2,
    });
  });

  it('continues the chain after archiving', async () => {
    await recordEvents(t, acme.id, events(acme.id, 3, 'widget.later'));
    expect((await verifyOverHttp()).valid).toBe(true);
  });

  it('archives everything, then keeps appending', async () => {
    const out = join(t.dataDir, 'second.jsonl');
    const outcome = await archive({ before: new Date().toISOString(), out });
    const result = JSON.parse(outcome.output);
    expect(result.firstSequence).toBe(oldEntries + 1);

    const first = JSON.parse((await readFile(firstArchive, 'utf8')).split('\n')[0]!);
    const second = JSON.parse((await readFile(out, 'utf8')).split('\n')[0]!);
    expect(second.firstPreviousHash).toBe(first.lastHash);
    expect((await auditVerifyArchive(out)).exitCode).toBe(0);

    const remaining = await live();
    expect(remaining.map((entry) => entry.action)).toEqual(['audit.archived']);
    expect((await verifyOverHttp()).valid).toBe(true);
    await recordEvents(t, acme.id, events(acme.id, 2, 'widget.after'));
    const result2 = await verifyOverHttp();
    expect(result2.valid).toBe(true);
    expect(result2.entries).toBe(3);
  });

  it('archives nothing when nothing is old enough', async () => {
    const outcome = await archive({});
    expect(JSON.parse(outcome.output).entries).toBe(0);
  });

  it('rejects a missing retention period and bad dates', async () => {
    await t.createTenant('globex');
    await expect(archive({}, 'globex')).rejects.toBeInstanceOf(CliError);
    await expect(archive({}, 'globex')).rejects.toMatchObject({ exitCode: 2 });
    await expect(archive({ before: 'yesterday' })).rejects.toMatchObject({ exitCode: 2 });
    await expect(
      archive({ before: new Date(Date.now() + DAY_MS).toISOString() }),
    ).rejects.toMatchObject({
      exitCode: 2,
    });
    await expect(
      archive({ before: new Date().toISOString(), out: firstArchive }),
    ).rejects.toMatchObject({
      code: 'validation_failed',
    });
  });

  it('detects a forged archive checkpoint', async () => {
    // The attacker removes the first live entry and forges a checkpoint that starts after it.
    const entries = await live();
    const raw = openRawDatabase(t);
    try {
      raw.exec('DROP TRIGGER audit_log_entries_no_delete');
      raw.prepare('DELETE FROM audit_log_entries WHERE id = ?').run(entries[0]!.id);
      raw
        .prepare(
          `INSERT INTO audit_checkpoints (tenant_id, id, kind, sequence, last_sequence, previous_hash_before,
             previous_hash_after, entries, reason, created_at)
           VALUES (?, ?, 'archive', 1, ?, ?, ?, 1, 'forged', ?)`,
        )
        .run(
          acme.id,
          crypto.randomUUID(),
          entries[0]!.sequence,
          GENESIS_HASH,
          entries[0]!.hash,
          new Date().toISOString(),
        );
    } finally {
      raw.close();
    }
    const result = await verifyOverHttp();
    expect(result.valid).toBe(false);
    expect(result.reason).toMatch(/has no audit.archived entry/);
  });
});
