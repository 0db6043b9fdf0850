// Growth with data: the same list query as the tickets table grows, spread over every tenant.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { tenantSlug } from '../accounts.mjs';
import { load, runPool, stopProcess } from '../harness.mjs';
import { log, round } from '../report.mjs';
import { call, headersFor, login, loginTenants, startApi, ticketBody } from '../servers.mjs';
import { copyTicket } from './subjects.mjs';

/**
 * For each total in `targets` (ascending), fills the tickets table of `dataDir` up to that many
 * rows, spread evenly over the numbered tenants, and measures the first list page of one tenant.
 * Each tenant first creates one ticket through the API, and the fill copies it, so every row has
 * real encrypted fields. Reports the p50 and p99 ratios of the largest to the smallest total.
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
  const measured = tenantSlug(Math.min(2, tenants - 1));
  const results = [];
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

    const total = database.prepare('SELECT COUNT(*) FROM tickets').pluck().get();
    api = await startApi(dataDir);
    const session = await login(api.url, measured);
    results.push(
      report.record(
        await load(`api list page at ${total} tickets over ${tenants} tenants`, {
          url: `${api.url}/api/v1/tickets?limit=25`,
          headers: headersFor(session),
        }),
      ),
    );
    await stopProcess(api.child);
  }
  database.close();

  if (results.length < 2) return null;
  const first = results[0];
  const last = results.at(-1);
  const ratios = {
    p50: round(last.p50Ms / Math.max(first.p50Ms, 0.01)),
    p99: round(last.p99Ms / Math.max(first.p99Ms, 0.01)),
  };
  report.measure('growth: list p50 largest / smallest', ratios.p50, 'x');
  report.measure('growth: list p99 largest / smallest', ratios.p99, 'x');
  return ratios;
}
