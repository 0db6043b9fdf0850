// Growth with data: the same list query as the tickets table grows, spread over every tenant.
import Database from 'better-sqlite3';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tenantSlug } from '../accounts.mjs';
import { load, runPool, stopProcess } from '../harness.mjs';
import { log, round } from '../report.mjs';
import { call, headersFor, login, loginTenants, startApi, ticketBody } from '../servers.mjs';
import { copyTicket } from './subjects.mjs';

/**
 * For each total in `targets` (ascending), fills the tickets table of `dataDir` up to that many
 * rows, spread evenly over the numbered tenants, and keeps a copy of the data folder at that size.
 * Each tenant first creates one ticket through the API, and the fill copies it, so every row has
 * real encrypted fields.
 *
 * The first list page of one tenant is then measured on every copy in two rounds, in ascending
 * and then descending order, each in a fresh API process. Each size keeps the round with the
 * lower p50, so that a burst of load from outside the benchmark during one load does not decide
 * the ratio. Reports the p50 and p99 ratios of the largest to the smallest total.
 */
export async function runGrowth(dataDir, report, tenants, targets) {
  let api = await startApi(dataDir);
  const sessions = await loginTenants(api.url, tenants);
  const templates = new Array(tenants);
  await runPool(tenants, 8, async (index) => {
    templates[index] = (await call(api.url, sessions[index], 'POST', '/api/v1/tickets', JSON.parse(ticketBody))).id;
  });
  await stopProcess(api.child);

  const database = new Database(join(dataDir, 'masala.sqlite'));
  const tenantIds = sessions.map((session) =>
    database.prepare('SELECT id FROM tenants WHERE slug = ?').pluck().get(session.slug),
  );
  const sizes = [];
  for (const target of targets) {
    const existing = database.prepare('SELECT COUNT(*) FROM tickets').pluck().get();
    const missing = Math.max(target - existing, 0);
    const started = performance.now();
    for (let index = 0; index < tenants; index += 1) {
      const share = Math.floor(missing / tenants) + (index < missing % tenants ? 1 : 0);
      copyTicket(database, tenantIds[index], templates[index], share);
    }
    database.pragma('wal_checkpoint(TRUNCATE)');
    log(`growth: added ${missing} tickets in ${round((performance.now() - started) / 1000, 1)} s`);

    // No process writes to the file now and the WAL is empty, so a file copy is consistent.
    const total = database.prepare('SELECT COUNT(*) FROM tickets').pluck().get();
    const copy = `${dataDir}-${total}`;
    cpSync(dataDir, copy, { recursive: true });
    sizes.push({ total, copy, loads: [] });
  }
  database.close();

  const measured = tenantSlug(Math.min(2, tenants - 1));
  for (const order of [sizes, [...sizes].reverse()]) {
    for (const size of order) {
      api = await startApi(size.copy);
      const session = await login(api.url, measured);
      const pass = size.loads.length + 1;
      size.loads.push(
        report.record(
          await load(`api list page at ${size.total} tickets over ${tenants} tenants, round ${pass}`, {
            url: `${api.url}/api/v1/tickets?limit=25`,
            headers: headersFor(session),
          }, { server: api.child }),
        ),
      );
      await stopProcess(api.child);
    }
  }
  for (const size of sizes) rmSync(size.copy, { recursive: true, force: true });

  if (sizes.length < 2) return null;
  const best = (size) => size.loads.reduce((lower, load) => (load.p50Ms < lower.p50Ms ? load : lower));
  const first = best(sizes[0]);
  const last = best(sizes.at(-1));
  const ratios = {
    p50: round(last.p50Ms / Math.max(first.p50Ms, 0.01)),
    p99: round(last.p99Ms / Math.max(first.p99Ms, 0.01)),
  };
  report.measure('growth: list p50 largest / smallest (lower round of each)', ratios.p50, 'x');
  report.measure('growth: list p99 largest / smallest (same rounds)', ratios.p99, 'x');
  return ratios;
}
