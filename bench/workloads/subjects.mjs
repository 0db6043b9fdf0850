// Data-subject requests: erasing a person with many records, and exporting a large subject.
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { currentRssMiB, peakRssMiB, runPool, sampleRss, stopProcess } from '../harness.mjs';
import { round } from '../report.mjs';
import { call, headersFor, login, startApi, ticketBody } from '../servers.mjs';

/** Requests the workloads send at once while they set up data through the API. */
const SETUP_CONCURRENCY = 16;

/**
 * Erases subject@erase.bench through POST /api/v1/compliance/subjects/:userId/erasure. First the
 * subject creates `records / 2` tickets through the API and writes one comment on each, so the
 * erasure has `records` records of the subject to scrub. The `erase` tenant contains nothing else,
 * which matters because erasure reads every ticket and comment of the tenant.
 */
export async function runErase(api, report, records) {
  const subject = await login(api.url, 'erase', 'subject');
  const officer = await login(api.url, 'erase', 'officer');
  const { id: subjectId } = await call(api.url, subject, 'GET', '/api/v1/me');
  const tickets = Math.floor(records / 2);
  const comments = records - tickets;
  const ticketIds = [];
  await runPool(tickets, SETUP_CONCURRENCY, async (index) => {
    const created = await call(api.url, subject, 'POST', '/api/v1/tickets', {
      title: `Laptop ${index} of subject@erase.bench will not boot`,
      description: 'Call me on +32 470 12 34 56 or mail subject@erase.bench',
      customFields: { urgency: 'High' },
    });
    ticketIds.push(created.id);
  });
  await runPool(comments, SETUP_CONCURRENCY, async (index) => {
    await call(api.url, subject, 'POST', `/api/v1/tickets/${ticketIds[index % tickets]}/comments`, {
      body: `Still broken, regards subject@erase.bench (${index})`,
    });
  });

  const started = performance.now();
  const receipt = await call(api.url, officer, 'POST', `/api/v1/compliance/subjects/${subjectId}/erasure`, {});
  const seconds = (performance.now() - started) / 1000;
  const changed = Object.values(receipt.counts)
    .flatMap((counts) => Object.values(counts))
    .reduce((sum, count) => sum + count, 0);
  report.measure(`erase a subject with ${records} records (${tickets} tickets, ${comments} comments)`, round(seconds, 3), 's');
  report.measure('erase: subject records per second', Math.round(records / seconds), 'records/s');
  report.measure('erase: changes counted in the receipt', changed, 'changes');
  if (!receipt.complete) report.note(`erasure receipt is incomplete: ${receipt.problems.join('; ')}`);
  return { seconds, receipt };
}

/**
 * Creates one ticket through the API for each export subject (small@ and large@export.bench), so
 * their rows carry real encrypted fields. runExport later copies those rows in bulk.
 */
export async function prepareExport(api) {
  const subjects = {};
  for (const name of ['small', 'large']) {
    const session = await login(api.url, 'export', name);
    const { id } = await call(api.url, session, 'GET', '/api/v1/me');
    const ticket = await call(api.url, session, 'POST', '/api/v1/tickets', JSON.parse(ticketBody));
    subjects[name] = { id, ticketId: ticket.id };
  }
  return subjects;
}

/** UTC timestamp in the text form TypeORM stores for SQLite datetime columns. */
function sqliteTime(milliseconds) {
  return new Date(milliseconds).toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * Inserts copies of one stored ticket under new ids, `count` of them with creation times one
 * second apart going back from the original's. The copies keep the original's encrypted
 * envelopes, which are bound to the tenant and column but not to the row, so they decrypt.
 * The caller must have stopped the API: this writes to its database file directly.
 */
export function copyTicket(database, tenantId, ticketId, count) {
  const template = database.prepare('SELECT * FROM tickets WHERE tenant_id = ? AND id = ?').get(tenantId, ticketId);
  if (!template) throw new Error(`Ticket ${ticketId} of tenant ${tenantId} is missing, so it cannot be copied`);
  const columns = Object.keys(template);
  const insert = database.prepare(
    `INSERT INTO tickets (${columns.join(', ')}) VALUES (${columns.map((column) => `@${column}`).join(', ')})`,
  );
  const newest = Date.parse(`${template.created_at.replace(' ', 'T')}Z`);
  database.transaction(() => {
    for (let index = 1; index <= count; index += 1) {
      const created = sqliteTime(newest - index * 1000);
      insert.run({ ...template, id: randomUUID(), created_at: created, updated_at: created });
    }
  })();
}

/**
 * Exports the small and the large subject through GET /api/v1/compliance/subjects/:userId/export,
 * each from a fresh API process, and reports time and memory. The large subject requested
 * `tickets` tickets and the small one a tenth of that. Similar RSS growth for both shows that the
 * export streams instead of building the document in memory. Each document is parsed afterwards
 * to check that it contains every ticket.
 */
export async function runExport(dataDir, report, subjects, tickets) {
  const database = new Database(join(dataDir, 'masala.sqlite'));
  const tenantId = database.prepare(`SELECT id FROM tenants WHERE slug = 'export'`).pluck().get();
  const sizes = { small: Math.max(Math.floor(tickets / 10), 1), large: tickets };
  for (const [name, size] of Object.entries(sizes)) copyTicket(database, tenantId, subjects[name].ticketId, size - 1);
  database.pragma('wal_checkpoint(TRUNCATE)');
  database.close();

  const outcomes = {};
  for (const [name, size] of Object.entries(sizes)) {
    const api = await startApi(dataDir);
    const officer = await login(api.url, 'export', 'officer');
    const idle = await currentRssMiB(api.child.pid);
    const sampler = sampleRss(api.child.pid);
    const started = performance.now();
    const response = await fetch(`${api.url}/api/v1/compliance/subjects/${subjects[name].id}/export`, {
      headers: headersFor(officer),
    });
    if (response.status !== 200) throw new Error(`Export of ${name}@export.bench returned ${response.status}`);
    const chunks = [];
    let bytes = 0;
    for await (const chunk of response.body) {
      chunks.push(chunk);
      bytes += chunk.length;
    }
    const seconds = (performance.now() - started) / 1000;
    const peak = await sampler.stop();
    const highWater = await peakRssMiB(api.child.pid);
    await stopProcess(api.child);

    const document = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const exported = document.data?.tickets?.tickets?.length ?? 0;
    if (exported !== size) throw new Error(`Export of ${name}@export.bench contains ${exported} tickets, expected ${size}`);
    report.measure(`export a subject with ${size} tickets`, round(seconds, 3), 's');
    report.measure(`export ${size} tickets: rate`, Math.round(size / seconds), 'tickets/s');
    report.measure(`export ${size} tickets: document size`, round(bytes / 1024 / 1024, 1), 'MiB');
    report.measure(`export ${size} tickets: api RSS before`, idle, 'MiB');
    report.measure(`export ${size} tickets: api peak RSS during the export`, peak, 'MiB');
    report.measure(`export ${size} tickets: api VmHWM since start`, highWater, 'MiB');
    outcomes[name] = { size, seconds, bytes, idle, peak };
  }
  const growth = (outcome) => Math.max(outcome.peak - outcome.idle, 0);
  report.measure(
    `export RSS growth: ${sizes.small} tickets / ${sizes.large} tickets`,
    `${growth(outcomes.small)} / ${growth(outcomes.large)}`,
    'MiB',
  );
  return outcomes;
}
