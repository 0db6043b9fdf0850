// Benchmark runner: `npm run bench`. Everything runs on 127.0.0.1 and is bounded in time. It
// prints a table to stdout and writes bench/results/<time>.json (git-ignored). The method and
// the published figures are in docs/benchmarks.md.
//
// Workloads, in the order they run (each autocannon load lasts BENCH_SECONDS, at 32 clients
// unless stated):
// 1. Baseline (bench/baseline-server.mjs: node:http and better-sqlite3, no framework, one commit
//    per request): create under synchronous=FULL, list a page, transition, mixed 90/10 over the
//    numbered tenants, and create under NORMAL.
// 2. API create, list a page and transition (IN_PROGRESS -> ON_HOLD -> IN_PROGRESS -> RESOLVED
//    -> ...), under FULL with grouped commits, each as a ratio to the baseline.
// 3. Erase a subject with BENCH_ERASE_RECORDS records (tickets and comments written through the
//    API) with POST /api/v1/compliance/subjects/:userId/erasure: seconds and records/s.
// 4. Durability cost: API create under FULL and NORMAL, with grouped commits and with
//    MASALA_WRITE_BATCH_MAX=1 (one write per transaction).
// 5. Export: GET /api/v1/compliance/subjects/:userId/export of a subject who requested
//    BENCH_EXPORT_TICKETS tickets, and of one with a tenth of that: time, API RSS before and
//    peak during. The product has no whole-tenant export, so a large subject's export is
//    measured in its place.
// 6. Mixed 90/10 read/write over BENCH_TENANTS tenants with rate limiting on
//    (BENCH_RATE_LIMIT_PER_MINUTE per tenant and per client): 429 count and peak RSS.
// 7. Flood: the `flood` tenant (limit BENCH_FLOOD_LIMIT_PER_MINUTE) floods the API while tenant
//    t000 sends BENCH_FLOOD_VICTIM_RATE requests/s; its p99 is compared with its p99 alone.
// 8. Growth: the list page at each ticket total of BENCH_GROWTH, spread over the tenants.
//
// Settings (environment variables):
//   BENCH_SECONDS                 seconds per autocannon load (default 8)
//   BENCH_TENANTS                 numbered tenants t000... (default 100, at least 3)
//   BENCH_GROWTH                  ascending ticket totals for the growth workload
//                                 (default 10000,100000,1000000)
//   BENCH_ERASE_RECORDS           records of the erased subject (default 1000)
//   BENCH_EXPORT_TICKETS          tickets of the large export subject (default 100000)
//   BENCH_RATE_LIMIT_PER_MINUTE   rate limit of the mixed and flood runs (default 6000)
//   BENCH_FLOOD_LIMIT_PER_MINUTE  rate limit of the flood tenant (default 600)
//   BENCH_FLOOD_VICTIM_RATE       requests/s the victim sends in the flood runs (default 50)
//
// Example of a short run: BENCH_SECONDS=2 BENCH_TENANTS=10 BENCH_GROWTH=1000,5000 npm run bench
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { ROOT, stopProcess } from './harness.mjs';
import { Report, log } from './report.mjs';
import { startApi } from './servers.mjs';
import { runFlood } from './workloads/flood.mjs';
import { runGrowth } from './workloads/growth.mjs';
import { prepareExport, runErase, runExport } from './workloads/subjects.mjs';
import { runApiCrud, runBaseline, runDurability, runMixed } from './workloads/throughput.mjs';

const number = (name, fallback) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}="${process.env[name]}" is invalid: expected a positive number`);
  return value;
};
const settings = {
  seconds: number('BENCH_SECONDS', 8),
  tenants: number('BENCH_TENANTS', 100),
  growth: (process.env.BENCH_GROWTH ?? '10000,100000,1000000').split(',').map(Number),
  eraseRecords: number('BENCH_ERASE_RECORDS', 1000),
  exportTickets: number('BENCH_EXPORT_TICKETS', 100_000),
  rateLimitPerMinute: number('BENCH_RATE_LIMIT_PER_MINUTE', 6000),
  floodLimitPerMinute: number('BENCH_FLOOD_LIMIT_PER_MINUTE', 600),
  floodVictimRate: number('BENCH_FLOOD_VICTIM_RATE', 50),
};
if (settings.tenants < 3) throw new Error(`BENCH_TENANTS=${settings.tenants} is invalid: at least 3 tenants are needed`);
if (settings.growth.some((total, index) => !(total > 0) || (index > 0 && total <= settings.growth[index - 1]))) {
  throw new Error(`BENCH_GROWTH="${process.env.BENCH_GROWTH}" is invalid: expected ascending positive totals`);
}
process.env.BENCH_SECONDS = String(settings.seconds);

const began = Date.now();
const report = new Report();
try {
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' });
} catch (error) {
  throw new Error(`npm run build failed, so there is no API to measure:\n${error.stdout}${error.stderr}`);
}
const work = mkdtempSync(join(tmpdir(), 'masala-bench-'));
const templateData = join(work, 'template');
const apiData = join(work, 'api');
const growthData = join(work, 'growth');
const baselineData = join(work, 'baseline');

function seed(dataDir, args) {
  execFileSync(process.execPath, [join(ROOT, 'bench/seed.mjs'), ...args], {
    cwd: ROOT,
    env: { ...process.env, MASALA_DATA_DIR: dataDir, BENCH_FLOOD_LIMIT_PER_MINUTE: String(settings.floodLimitPerMinute) },
    stdio: 'inherit',
  });
}

try {
  log(`seeding ${settings.tenants} tenants and the workload tenants`);
  seed(templateData, [String(settings.tenants), '--workload-tenants']);
  seed(baselineData, ['0']);
  // The seeding process has closed the database, so a file copy is consistent here.
  cpSync(templateData, apiData, { recursive: true });
  cpSync(templateData, growthData, { recursive: true });

  log('baseline');
  const baselines = await runBaseline(baselineData, report, settings.tenants);

  log('api create, list, transition, erase');
  const api = await startApi(apiData);
  const crud = await runApiCrud(api, report, baselines);
  await runErase(api, report, settings.eraseRecords);
  const exportSubjects = await prepareExport(api);
  await stopProcess(api.child);

  log('durability');
  const durability = await runDurability(apiData, report, baselines, crud.create);

  log('export');
  await runExport(apiData, report, exportSubjects, settings.exportTickets);

  log('mixed load with rate limits');
  await runMixed(apiData, report, baselines, settings.tenants, settings.rateLimitPerMinute);

  log('flood');
  const flood = await runFlood(apiData, report, {
    limitPerMinute: settings.rateLimitPerMinute,
    floodLimit: settings.floodLimitPerMinute,
    victimRate: settings.floodVictimRate,
  });

  log('growth');
  const growth = await runGrowth(growthData, report, settings.tenants, settings.growth);

  report.goal('create: api / baseline throughput (FULL)', crud.create.ratio, '>=', 0.5);
  report.goal('list: api / baseline throughput', crud.list.ratio, '>=', 0.5);
  report.goal('create: p99 ms at 32 clients', crud.create.p99Ms, '<', 50);
  report.goal('list: p99 ms at 32 clients', crud.list.p99Ms, '<', 50);
  report.goal(
    'FULL grouped create / baseline FULL one commit per request',
    durability.fullGrouped.ratio,
    '>=',
    1,
  );
  report.goal('growth: list p50 largest / smallest total', growth?.p50 ?? null, '<=', 1.25);
  report.goal('flood: victim p99 during the flood / alone', flood.ratio, '<=', 2);
} finally {
  rmSync(work, { recursive: true, force: true });
}

const packageVersion = (name) => JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
const summary = {
  when: new Date(began).toISOString(),
  durationSeconds: Math.round((Date.now() - began) / 1000),
  machine: {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    nestjs: packageVersion('@nestjs/core'),
    betterSqlite3: packageVersion('better-sqlite3'),
    sqlite: new Database(':memory:').prepare('SELECT sqlite_version()').pluck().get(),
    autocannon: packageVersion('autocannon'),
  },
  settings,
  loads: report.loads,
  measures: report.measures,
  goals: report.goals,
  notes: report.notes,
};
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
const out = join(ROOT, 'bench/results', `${summary.when.replace(/[:.]/g, '-')}.json`);
writeFileSync(out, `${JSON.stringify(summary, null, 2)}\n`);
process.stdout.write(report.table());
process.stdout.write(`\nran ${summary.durationSeconds} s; written to ${out}\n`);
