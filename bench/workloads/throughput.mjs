// Create, list, transition and mixed loads, on the baseline and on the API.
import { tenantSlug } from '../accounts.mjs';
import { currentRssMiB, load, runPool, sampleRss, stopProcess } from '../harness.mjs';
import { log } from '../report.mjs';
import { call, headersFor, loginTenants, startApi, startBaseline, ticketBody } from '../servers.mjs';

/**
 * Tickets each transition workload cycles through. A ticket comes round again only after this many
 * requests, so a clash needs one request to stay in flight while 32 rounds of the others complete.
 */
const TRANSITION_POOL = 1024;
/** Requests the workloads send at once while they set up tickets. */
const SETUP_CONCURRENCY = 16;

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so every run sends the same mix. */
function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Requests that move each ticket of `pool` (all IN_PROGRESS at the start) round the cycle
 * IN_PROGRESS -> ON_HOLD -> IN_PROGRESS -> RESOLVED -> IN_PROGRESS. Requests take the tickets in
 * turn, so two requests rarely touch one ticket at once; a clash shows as a 409 among the failures.
 */
function transitionRequests(pool, pathOf, headers) {
  const states = new Map(pool.map((id) => [id, { status: 'IN_PROGRESS', holdNext: true }]));
  let turn = 0;
  return [
    {
      method: 'POST',
      headers,
      setupRequest: (request) => {
        const id = pool[turn % pool.length];
        turn += 1;
        const state = states.get(id);
        let to = 'IN_PROGRESS';
        if (state.status === 'IN_PROGRESS') {
          to = state.holdNext ? 'ON_HOLD' : 'RESOLVED';
          state.holdNext = !state.holdNext;
        }
        state.status = to;
        return { ...request, path: pathOf(id), body: JSON.stringify({ to }) };
      },
    },
  ];
}

/** Requests of the mixed load: 90 % list a page, 10 % create a ticket, each for a random tenant. */
function mixedRequests(headersByTenant, listPath, createPath) {
  const random = seededRandom(20261204);
  return [
    {
      setupRequest: (request) => {
        const headers = headersByTenant[Math.floor(random() * headersByTenant.length)];
        const write = random() < 0.1;
        return {
          ...request,
          method: write ? 'POST' : 'GET',
          path: write ? createPath : listPath,
          // A copy, because autocannon adds Content-Length to the headers object it is given.
          headers: { ...headers },
          body: write ? ticketBody : undefined,
        };
      },
    },
  ];
}

async function baselinePool(url, tenant) {
  const headers = { 'content-type': 'application/json', 'x-tenant-id': tenant };
  const pool = [];
  await runPool(TRANSITION_POOL, SETUP_CONCURRENCY, async () => {
    const created = await fetch(`${url}/tickets`, { method: 'POST', headers, body: ticketBody });
    const { id } = await created.json();
    const moved = await fetch(`${url}/tickets/${id}/transitions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ to: 'IN_PROGRESS' }),
    });
    if (moved.status !== 200) throw new Error(`Baseline transition of ${id} returned ${moved.status}`);
    pool.push(id);
  });
  return { pool, headers };
}

/**
 * Runs the baseline workloads: create under FULL and NORMAL, list, transition and mixed. Returns
 * the results that the API's figures are divided by.
 */
export async function runBaseline(dataDir, report, tenants) {
  const baselines = {};
  const json = (tenant) => ({ 'content-type': 'application/json', 'x-tenant-id': tenant });

  const full = await startBaseline(dataDir, 'FULL');
  baselines.createFull = report.record(
    await load('baseline create (FULL, one commit per request)', {
      url: `${full.url}/tickets`,
      method: 'POST',
      headers: json('bench'),
      body: ticketBody,
    }, { server: full.child }),
  );
  baselines.list = report.record(
    await load('baseline list page', { url: `${full.url}/tickets`, headers: json('bench') }, { server: full.child }),
  );
  const transitions = await baselinePool(full.url, 'bench-transitions');
  baselines.transition = report.record(
    await load('baseline transition (FULL)', {
      url: full.url,
      requests: transitionRequests(transitions.pool, (id) => `/tickets/${id}/transitions`, transitions.headers),
    }, { server: full.child }),
  );
  const tenantHeaders = Array.from({ length: tenants }, (_, index) => json(tenantSlug(index)));
  baselines.mixed = report.record(
    await load(`baseline mixed 90/10 over ${tenants} tenants`, {
      url: full.url,
      requests: mixedRequests(tenantHeaders, '/tickets', '/tickets'),
    }, { server: full.child }),
  );
  await stopProcess(full.child);

  const normal = await startBaseline(dataDir, 'NORMAL');
  baselines.createNormal = report.record(
    await load('baseline create (NORMAL, one commit per request)', {
      url: `${normal.url}/tickets`,
      method: 'POST',
      headers: json('bench'),
      body: ticketBody,
    }, { server: normal.child }),
  );
  await stopProcess(normal.child);
  return baselines;
}

/**
 * Create, list and transition against a running API (FULL, grouped commits, no rate limits).
 * Returns the create result for the durability table.
 */
export async function runApiCrud(api, report, baselines) {
  const [creator, mover] = await loginTenants(api.url, 2);
  const measured = { server: api.child };
  const create = report.record(
    await load('api create (FULL, grouped commits)', {
      url: `${api.url}/api/v1/tickets`,
      method: 'POST',
      headers: headersFor(creator),
      body: ticketBody,
    }, measured),
    baselines.createFull,
  );
  const list = report.record(
    await load('api list page', { url: `${api.url}/api/v1/tickets?limit=25`, headers: headersFor(creator) }, measured),
    baselines.list,
  );
  // Floors that split the list's cost: the framework alone, then authentication with one read.
  report.record(
    await load('api floor: GET /health/live (no auth, no database)', { url: `${api.url}/health/live` }, measured),
    baselines.list,
  );
  report.record(
    await load(
      'api floor: GET /api/v1/me (auth and one row)',
      { url: `${api.url}/api/v1/me`, headers: headersFor(creator) },
      measured,
    ),
    baselines.list,
  );

  const pool = [];
  await runPool(TRANSITION_POOL, SETUP_CONCURRENCY, async () => {
    const { id } = await call(api.url, mover, 'POST', '/api/v1/tickets', JSON.parse(ticketBody));
    await call(api.url, mover, 'POST', `/api/v1/tickets/${id}/transitions`, { to: 'IN_PROGRESS' });
    pool.push(id);
  });
  const transition = report.record(
    await load('api transition (FULL, grouped commits)', {
      url: api.url,
      requests: transitionRequests(pool, (id) => `/api/v1/tickets/${id}/transitions`, headersFor(mover)),
    }, measured),
    baselines.transition,
  );
  return { create, list, transition };
}

/**
 * Create throughput under synchronous FULL and NORMAL, with grouped commits (the default write
 * batch of 64) and without (MASALA_WRITE_BATCH_MAX=1: one write per transaction). FULL grouped is
 * `fullGrouped`, measured by runApiCrud; the other three each get a fresh API process.
 */
export async function runDurability(dataDir, report, baselines, fullGrouped) {
  const variants = [
    ['api create (FULL, one commit per request)', { MASALA_WRITE_BATCH_MAX: '1' }, baselines.createFull],
    ['api create (NORMAL, grouped commits)', { MASALA_SQLITE_SYNCHRONOUS: 'NORMAL' }, baselines.createNormal],
    [
      'api create (NORMAL, one commit per request)',
      { MASALA_SQLITE_SYNCHRONOUS: 'NORMAL', MASALA_WRITE_BATCH_MAX: '1' },
      baselines.createNormal,
    ],
  ];
  const results = { fullGrouped };
  for (const [name, env, baseline] of variants) {
    const api = await startApi(dataDir, env);
    const [session] = await loginTenants(api.url, 1);
    results[name] = report.record(
      await load(
        name,
        { url: `${api.url}/api/v1/tickets`, method: 'POST', headers: headersFor(session), body: ticketBody },
        { server: api.child },
      ),
      baseline,
    );
    await stopProcess(api.child);
  }
  const ungrouped = results['api create (FULL, one commit per request)'];
  report.measure(
    'grouping speed-up under FULL (grouped / one commit per request)',
    Math.round((fullGrouped.okPerSecond / Math.max(ungrouped.okPerSecond, 1)) * 100) / 100,
    'x',
  );
  return results;
}

/**
 * Runs the mixed 90/10 load over every numbered tenant with rate limits on, at `limitPerMinute`
 * for each tenant and each client session. Before the load it checks that the API applies that
 * limit. Reports the 429 count and the API's peak RSS during the load.
 */
export async function runMixed(dataDir, report, baselines, tenants, limitPerMinute) {
  const limits = {
    MASALA_RATE_LIMIT_PER_MINUTE: String(limitPerMinute),
    MASALA_CLIENT_RATE_LIMIT_PER_MINUTE: String(limitPerMinute),
  };
  const api = await startApi(dataDir, limits);
  const sessions = await loginTenants(api.url, tenants);
  await assertTenantLimit(api.url, sessions[0], limitPerMinute);

  const idle = await currentRssMiB(api.child.pid);
  const sampler = sampleRss(api.child.pid);
  const mixed = report.record(
    await load(`api mixed 90/10 over ${tenants} tenants, rate limit ${limitPerMinute}/min`, {
      url: api.url,
      requests: mixedRequests(sessions.map(headersFor), '/api/v1/tickets?limit=25', '/api/v1/tickets'),
    }, { server: api.child }),
    baselines.mixed,
  );
  report.measure('api RSS before the mixed load', idle, 'MiB');
  report.measure('api peak RSS during the mixed load', await sampler.stop(), 'MiB');
  report.measure('mixed load 429 responses', mixed.rejected429, 'responses');
  await stopProcess(api.child);
  return mixed;
}

/** Throws unless a request of `session` reports `expected` as its tenant's limit per minute. */
export async function assertTenantLimit(url, session, expected) {
  const response = await fetch(`${url}/api/v1/me`, { headers: headersFor(session) });
  await response.text();
  const limit = response.headers.get('x-ratelimit-limit-tenant');
  if (response.status !== 200 || limit !== String(expected)) {
    throw new Error(
      `Rate limiting is not as configured for ${session.slug}: status ${response.status}, ` +
        `X-RateLimit-Limit-tenant ${limit ?? 'missing'}, expected ${expected}`,
    );
  }
  log(`${session.slug}: rate limit ${limit}/min confirmed`);
}
