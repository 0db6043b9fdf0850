import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { verifySegment, type AuditEntryView } from '#audit';
import type { Tenant } from '#tenancy';
import { auditExport, auditVerifyArchive } from '../../apps/cli/src/commands/audit.commands.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import {
  allEntries,
  asSystem,
  recordEvents,
  SyntheticChangeEvent,
  userActor,
} from './audit-support.js';

const BULK = 10_000;
const ACTIONS = ['widget.created', 'widget.updated', 'widget.deleted'];
const ACTORS = ['actor-0', 'actor-1', 'actor-2', 'actor-3'];
const START = Date.parse('2030-01-01T00:00:00.000Z');

/** Entry `index` of the bulk load: its action, actor, entity and time follow from the index. */
function bulkEvent(tenantId: string, index: number): SyntheticChangeEvent {
  return new SyntheticChangeEvent(tenantId, userActor(ACTORS[index % ACTORS.length]!), {
    action: ACTIONS[index % ACTIONS.length]!,
    entityType: index % 2 === 0 ? 'widget' : 'gadget',
    entityId: `item-${index % 50}`,
    values: { index },
    occurredAt: new Date(START + index * 1000),
  });
}

function expectStrictlyAscending(entries: AuditEntryView[]): void {
  const sequences = entries.map((entry) => entry.sequence);
  expect(new Set(sequences).size).toBe(sequences.length);
  for (let index = 1; index < sequences.length; index += 1) {
    expect(sequences[index]!).toBeGreaterThan(sequences[index - 1]!);
  }
}

describe('reading the audit trail', () => {
  // Loading and paging 10,000 entries takes seconds on an idle machine; the limit leaves room for
  // a machine that runs other suites at the same time.
  jest.setTimeout(120_000);

  let t: TestApp;
  let acme: Tenant;
  let adminToken: string;
  let baseline: number;

  const get = (path: string) =>
    t.http.get(path).set('X-Tenant-ID', 'acme').set('Authorization', `Bearer ${adminToken}`);
  const bulkIndexes = (predicate: (index: number) => boolean) =>
    Array.from({ length: BULK }, (_, index) => index).filter(predicate);

  beforeAll(async () => {
    t = await startTestApp();
    acme = await t.createTenant('acme');
    await t.createUser(acme, 'admin@acme.test', ['Admin']);
    adminToken = await t.login('acme', 'admin@acme.test');
    baseline = (await allEntries(t, 'acme', adminToken)).length;
    const events = Array.from({ length: BULK }, (_, index) => bulkEvent(acme.id, index));
    await recordEvents(t, acme.id, events, 500);
  });

  afterAll(async () => {
    await t.close();
  });

  it('pages through every entry without gaps or duplicates', async () => {
    const entries = await allEntries(t, 'acme', adminToken);
    expect(entries).toHaveLength(baseline + BULK);
    expectStrictlyAscending(entries);
    expect(entries.map((entry) => entry.sequence)).toEqual(entries.map((_, index) => index + 1));
  });

  it('pages newest first in descending order', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const page = await get(
        `/api/v1/audit?action=widget.updated&order=desc&limit=100${query}`,
      ).expect(200);
      seen.push(...(page.body.data as AuditEntryView[]).map((entry) => entry.sequence));
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    expect(seen).toHaveLength(bulkIndexes((index) => index % 3 === 1).length);
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('filters by action', async () => {
    const entries = await allEntries(t, 'acme', adminToken, { action: 'widget.deleted' });
    expect(entries).toHaveLength(bulkIndexes((index) => index % 3 === 2).length);
    expect(entries.every((entry) => entry.action === 'widget.deleted')).toBe(true);
    expectStrictlyAscending(entries);
  });

  it('filters by entity type and id', async () => {
    const entries = await allEntries(t, 'acme', adminToken, {
      entityType: 'gadget',
      entityId: 'item-7',
    });
    const expected = bulkIndexes((index) => index % 2 === 1 && index % 50 === 7);
    expect(entries.map((entry) => entry.newValues?.index)).toEqual(expected);
  });

  it('filters by actor and time range', async () => {
    const from = new Date(START + 2000 * 1000).toISOString();
    const to = new Date(START + 6000 * 1000).toISOString();
    const entries = await allEntries(t, 'acme', adminToken, { actorId: 'actor-1', from, to });
    const expected = bulkIndexes((index) => index % 4 === 1 && index >= 2000 && index < 6000);
    expect(entries.map((entry) => entry.newValues?.index)).toEqual(expected);
    expect(entries.every((entry) => entry.createdAt >= from && entry.createdAt < to)).toBe(true);
  });

  it('combines every filter', async () => {
    const entries = await allEntries(t, 'acme', adminToken, {
      action: 'widget.created',
      actorId: 'actor-0',
      entityType: 'widget',
      from: new Date(START).toISOString(),
      to: new Date(START + 1200 * 1000).toISOString(),
    });
    const expected = bulkIndexes((index) => index % 12 === 0 && index < 1200);
    expect(entries.map((entry) => entry.newValues?.index)).toEqual(expected);
  });

  it('rejects invalid queries with the field', async () => {
    const cases: Array<[string, string]> = [
      ['limit=101', 'limit'],
      ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
      ['from=yesterday', 'from'],
      [`from=${new Date(START + 10_000).toISOString()}&to=${new Date(START).toISOString()}`, 'to'],
      ['order=sideways', 'order'],
    ];
    for (const [query, field] of cases) {
      const response = await get(`/api/v1/audit?${query}`).expect(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(
        (response.body.errors as Array<{ field: string }>).map((error) => error.field),
      ).toContain(field);
    }
  });

  it('verifies the chain of all entries', async () => {
    const response = await get('/api/v1/audit/verify').expect(200);
    expect(response.body.valid).toBe(true);
    expect(response.body.entries).toBeGreaterThanOrEqual(baseline + BULK);
  });

  it('exports a time range as JSON lines', async () => {
    const from = new Date(START + 100 * 1000).toISOString();
    const to = new Date(START + 1300 * 1000).toISOString();
    const response = await get(`/api/v1/audit/export?from=${from}&to=${to}`)
      .buffer(true)
      .parse((res, callback) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => callback(null, text));
      })
      .expect(200);
    expect(response.headers['content-type']).toContain('application/x-ndjson');
    const lines = (response.body as string).trimEnd().split('\n');
    const header = JSON.parse(lines[0]!);
    expect(header.kind).toBe('export');
    expect(header.entries).toBe(1200);
    expect(lines).toHaveLength(1201);
    const first = JSON.parse(lines[1]!);
    expect(first.newValues.index).toBe(100);
    expect(JSON.parse(lines.at(-1)!).newValues.index).toBe(1299);

    const verification = await verifySegment(
      (async function* () {
        yield* lines;
      })(),
    );
    expect(verification.valid).toBe(true);
  });

  it('records each export', async () => {
    const exports = await allEntries(t, 'acme', adminToken, { action: 'audit.exported' });
    expect(exports.length).toBeGreaterThanOrEqual(1);
    expect(exports.at(-1)!.newValues?.entries).toBe(1200);
  });

  it('exports through the CLI to a verifiable file', async () => {
    const out = join(t.dataDir, 'export.jsonl');
    const outcome = await asSystem(() =>
      auditExport(t.app, 'acme', { from: new Date(START).toISOString(), out, json: true }),
    );
    expect(outcome.exitCode).toBe(0);
    // Entry times never decrease, so the earlier export's own entry carries the time of the last
    // bulk entry and falls inside the range.
    expect(JSON.parse(outcome.output).entries).toBe(BULK + 1);
    const verified = await auditVerifyArchive(out, { json: true });
    expect(verified.exitCode).toBe(0);
    expect(JSON.parse(verified.output).entries).toBe(BULK + 1);

    const content = await readFile(out, 'utf8');
    const tampered = join(t.dataDir, 'tampered.jsonl');
    const lines = content.split('\n');
    lines[5] = lines[5]!.replace('"widget.', '"forged.');
    await writeFile(tampered, lines.join('\n'));
    const broken = await auditVerifyArchive(tampered, { json: true });
    expect(broken.exitCode).toBe(1);
    expect(JSON.parse(broken.output).firstBrokenId).toBe(JSON.parse(lines[5]!).id);
  });

  it('refuses to overwrite an export file', async () => {
    const out = join(t.dataDir, 'export.jsonl');
    await expect(asSystem(() => auditExport(t.app, 'acme', { out }))).rejects.toThrow(
      'already exists',
    );
  });
});
