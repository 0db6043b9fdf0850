// Benchmark runner: `npm run bench`. Loopback only, bounded in time (BENCH_SECONDS per workload,
// default 8). Prints a table and writes bench/results/<time>.json.
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, currentRssMiB, freePort, load, peakRssMiB, startProcess, stopProcess } from './harness.mjs';

const TENANTS = Number(process.env.BENCH_TENANTS ?? 100);
const GROWTH = (process.env.BENCH_GROWTH ?? '10000,100000,1000000').split(',').map(Number);
const API = join(ROOT, 'dist/apps/api/src/main.js');
const results = [];
const notes = [];

function log(message) {
  process.stderr.write(`${message}\n`);
}

execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
const work = mkdtempSync(join(tmpdir(), 'masala-bench-'));
const apiData = join(work, 'api');
const baselineData = join(work, 'baseline');

log(`seeding ${TENANTS} tenants`);
execFileSync(process.execPath, [join(ROOT, 'bench/seed.mjs'), String(TENANTS)], {
  cwd: ROOT,
  env: { ...process.env, MASALA_DATA_DIR: apiData },
  stdio: 'inherit',
});
execFileSync(process.execPath, [join(ROOT, 'bench/seed.mjs'), '0'], {
  cwd: ROOT,
  env: { ...process.env, MASALA_DATA_DIR: baselineData },
  stdio: 'inherit',
});

async function startApi(extraEnv = {}) {
  const port = await freePort();
  const child = await startProcess(
    API,
    {
      MASALA_DATA_DIR: apiData,
      PORT: String(port),
      MASALA_ACCESS_TOKEN_TTL_SECONDS: '3600',
      MASALA_RATE_LIMIT_PER_MINUTE: '10000000',
      ...extraEnv,
    },
    `http://127.0.0.1:${port}/health/live`,
  );
  return { child, url: `http://127.0.0.1:${port}` };
}

async function startBaseline(synchronous) {
  const port = await freePort();
  const child = await startProcess(
    join(ROOT, 'bench/baseline-server.mjs'),
    { BASELINE_DB: join(baselineData, 'masala.sqlite'), PORT: String(port), BASELINE_SYNCHRONOUS: synchronous },
    `http://127.0.0.1:${port}/none`,
  );
  return { child, url: `http://127.0.0.1:${port}` };
}

async function loginAll(url) {
  const tokens = [];
  for (let index = 0; index < TENANTS; index += 1) {
    const slug = `t${String(index).padStart(3, '0')}`;
    const response = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tenant-id': slug },
      body: JSON.stringify({ email: `agent@${slug}.bench`, password: 'bench-password-long-enough' }),
    });
    if (response.status !== 200) throw new Error(`login for ${slug} failed with ${response.status}`);
    tokens.push({ slug, token: (await response.json()).accessToken });
  }
  return tokens;
}

const ticketBody = JSON.stringify({ title: 'Printer on fire', description: 'Floor 3', customFields: { urgency: 'High' } });
const headersFor = ({ slug, token }) => ({
  'content-type': 'application/json',
  'x-tenant-id': slug,
  authorization: `Bearer ${token}`,
});

function record(result, baseline) {
  const ratio = baseline ? Math.round((result.requestsPerSecond / baseline.requestsPerSecond) * 100) / 100 : null;
  results.push({ ...result, baselineRequestsPerSecond: baseline?.requestsPerSecond ?? null, ratio });
  log(`${result.name}: ${result.requestsPerSecond} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, failed ${result.failed}${ratio ? `, ratio ${ratio}` : ''}`);
}

// Create and list against the baseline and the API, both under synchronous=FULL.
const baselineFull = await startBaseline('FULL');
const baselineCreate = await load('baseline create (FULL, one commit per request)', {
  url: `${baselineFull.url}/tickets`,
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-tenant-id': 'bench' },
  body: ticketBody,
});
record(baselineCreate);
const baselineList = await load('baseline list page', { url: `${baselineFull.url}/tickets`, headers: { 'x-tenant-id': 'bench' } });
record(baselineList);
await stopProcess(baselineFull.child);

const baselineNormal = await startBaseline('NORMAL');
const baselineCreateNormal = await load('baseline create (NORMAL)', {
  url: `${baselineNormal.url}/tickets`,
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-tenant-id': 'bench' },
  body: ticketBody,
});
record(baselineCreateNormal);
await stopProcess(baselineNormal.child);

let api = await startApi();
let tokens = await loginAll(api.url);
record(
  await load('api create (FULL, grouped commits)', {
    url: `${api.url}/api/v1/tickets`,
    method: 'POST',
    headers: headersFor(tokens[0]),
    body: ticketBody,
  }),
  baselineCreate,
);
record(await load('api list page', { url: `${api.url}/api/v1/tickets?limit=25`, headers: headersFor(tokens[0]) }), baselineList);

// Transitions: requests take the tickets in turn and move each one IN_PROGRESS <-> ON_HOLD, so
// two requests rarely touch the same ticket at once (a clash shows as a 409 in the failures).
const pool = [];
const states = new Map();
let turn = 0;
for (let index = 0; index < 64; index += 1) {
  const created = await fetch(`${api.url}/api/v1/tickets`, { method: 'POST', headers: headersFor(tokens[1]), body: ticketBody });
  const { id } = await created.json();
  await fetch(`${api.url}/api/v1/tickets/${id}/transitions`, {
    method: 'POST',
    headers: headersFor(tokens[1]),
    body: JSON.stringify({ to: 'IN_PROGRESS' }),
  });
  pool.push(id);
}
record(
  await load('api transition', {
    url: api.url,
    requests: [
      {
        method: 'POST',
        headers: headersFor(tokens[1]),
        setupRequest: (request) => {
          turn += 1;
          const ticket = pool[turn % pool.length];
          const next = states.get(ticket) === 'ON_HOLD' ? 'IN_PROGRESS' : 'ON_HOLD';
          states.set(ticket, next);
          return { ...request, path: `/api/v1/tickets/${ticket}/transitions`, body: JSON.stringify({ to: next }) };
        },
      },
    ],
  }),
);

// Mixed 90/10 read/write load over every tenant.
let counter = 0;
record(
  await load(`api mixed 90/10 over ${TENANTS} tenants`, {
    url: api.url,
    requests: [
      {
        setupRequest: (request) => {
          counter += 1;
          const tenant = tokens[counter % tokens.length];
          const write = counter % 10 === 0;
          return {
            ...request,
            method: write ? 'POST' : 'GET',
            path: write ? '/api/v1/tickets' : '/api/v1/tickets?limit=25',
            headers: headersFor(tenant),
            body: write ? ticketBody : undefined,
          };
        },
      },
    ],
  }),
);
results.push({ name: 'api peak RSS after mixed load (MiB)', value: await peakRssMiB(api.child.pid) });
await stopProcess(api.child);

// Durability cost: NORMAL, and FULL without grouping.
api = await startApi({ MASALA_SQLITE_SYNCHRONOUS: 'NORMAL' });
tokens = await loginAll(api.url);
record(
  await load('api create (NORMAL, grouped commits)', { url: `${api.url}/api/v1/tickets`, method: 'POST', headers: headersFor(tokens[0]), body: ticketBody }),
  baselineCreateNormal,
);
await stopProcess(api.child);
api = await startApi({ MASALA_WRITE_BATCH_MAX: '1' });
tokens = await loginAll(api.url);
record(
  await load('api create (FULL, one commit per request)', { url: `${api.url}/api/v1/tickets`, method: 'POST', headers: headersFor(tokens[0]), body: ticketBody }),
  baselineCreate,
);
await stopProcess(api.child);

// Growth: the same list query as the table grows, spread over every tenant.
const database = new Database(join(apiData, 'masala.sqlite'));
const tenantRows = database.prepare('SELECT id FROM tenants ORDER BY slug').pluck().all();
const insert = database.prepare(`INSERT INTO tickets (tenant_id, id, domain_id, type_code, status, title, description,
  priority, custom_fields, requester_id, assignee_id, config_version, version, due_at, created_at, updated_at, deleted_at)
  VALUES (?, ?, 'IT', 'INCIDENT', 'NEW', 'bulk', 'bulk', 'normal', '{}', ?, NULL, 'bulk', 1, NULL, ?, ?, NULL)`);
const growthResults = [];
for (const target of GROWTH) {
  const existing = database.prepare('SELECT COUNT(*) FROM tickets').pluck().get();
  const fill = database.transaction((count) => {
    const start = Date.now() - count * 1000;
    for (let index = 0; index < count; index += 1) {
      const created = new Date(start + index * 1000).toISOString().replace('T', ' ').replace('Z', '');
      insert.run(tenantRows[index % tenantRows.length], crypto.randomUUID(), 'bulk-requester', created, created);
    }
  });
  if (target > existing) fill(target - existing);
  database.pragma('wal_checkpoint(TRUNCATE)');
  api = await startApi();
  tokens = await loginAll(api.url);
  const result = await load(`api list page at ${target} tickets`, { url: `${api.url}/api/v1/tickets?limit=25`, headers: headersFor(tokens[5]) });
  record(result);
  growthResults.push(result);
  await stopProcess(api.child);
}
database.close();
if (growthResults.length > 1) {
  const first = growthResults[0];
  const last = growthResults.at(-1);
  results.push({ name: 'growth p50 ratio largest/smallest', value: Math.round((last.p50Ms / Math.max(first.p50Ms, 0.01)) * 100) / 100 });
  results.push({ name: 'growth p99 ratio largest/smallest', value: Math.round((last.p99Ms / Math.max(first.p99Ms, 0.01)) * 100) / 100 });
}

const summary = {
  when: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
  secondsPerWorkload: Number(process.env.BENCH_SECONDS ?? 8),
  results,
  notes,
};
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
const out = join(ROOT, 'bench/results', `${summary.when.replace(/[:.]/g, '-')}.json`);
writeFileSync(out, `${JSON.stringify(summary, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(summary, null, 2)}\nwritten to ${out}\n`);
rmSync(work, { recursive: true, force: true });
void currentRssMiB;
