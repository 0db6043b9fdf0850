// Starting the API and the baseline on loopback, and the HTTP calls the workloads share.
import { join } from 'node:path';
import { BENCH_PASSWORD, tenantSlug } from './accounts.mjs';
import { ROOT, freePort, startProcess } from './harness.mjs';

const API = join(ROOT, 'dist/apps/api/src/main.js');

/** The highest limit the settings accept, so that a workload measures no rejections. */
export const NO_RATE_LIMIT = {
  MASALA_RATE_LIMIT_PER_MINUTE: '10000000',
  MASALA_CLIENT_RATE_LIMIT_PER_MINUTE: '10000000',
};

export const ticketBody = JSON.stringify({
  title: 'Printer on fire',
  description: 'Floor 3',
  customFields: { urgency: 'High' },
});

/**
 * Starts the built API on a free loopback port over `dataDir`. Rate limits are effectively off
 * unless `env` sets them. Request logging stays at its default level; stdout is discarded.
 */
export async function startApi(dataDir, env = {}) {
  const port = await freePort();
  const child = await startProcess(
    API,
    {
      MASALA_DATA_DIR: dataDir,
      PORT: String(port),
      MASALA_ACCESS_TOKEN_TTL_SECONDS: '3600',
      ...NO_RATE_LIMIT,
      ...env,
    },
    `http://127.0.0.1:${port}/health/live`,
  );
  return { child, url: `http://127.0.0.1:${port}` };
}

/** Starts bench/baseline-server.mjs over the database file in `dataDir`. */
export async function startBaseline(dataDir, synchronous) {
  const port = await freePort();
  const child = await startProcess(
    join(ROOT, 'bench/baseline-server.mjs'),
    {
      BASELINE_DB: join(dataDir, 'masala.sqlite'),
      PORT: String(port),
      BASELINE_SYNCHRONOUS: synchronous,
    },
    `http://127.0.0.1:${port}/none`,
  );
  return { child, url: `http://127.0.0.1:${port}` };
}

/** Logs in `<name>@<slug>.bench` and returns the tenant slug with its access token. */
export async function login(url, slug, name = 'agent') {
  const response = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tenant-id': slug },
    body: JSON.stringify({ email: `${name}@${slug}.bench`, password: BENCH_PASSWORD }),
  });
  if (response.status !== 200) {
    throw new Error(`Login of ${name}@${slug}.bench failed with ${response.status}: ${await response.text()}`);
  }
  return { slug, token: (await response.json()).accessToken };
}

/** Logs in the agents of the first `count` numbered tenants, one after the other. */
export async function loginTenants(url, count) {
  const sessions = [];
  for (let index = 0; index < count; index += 1) sessions.push(await login(url, tenantSlug(index)));
  return sessions;
}

export function headersFor({ slug, token }) {
  return {
    'content-type': 'application/json',
    'x-tenant-id': slug,
    authorization: `Bearer ${token}`,
  };
}

/** Sends one JSON request and returns the parsed body, or throws unless the status is `expected`. */
export async function call(url, session, method, path, body, expected = [200, 201]) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: headersFor(session),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!expected.includes(response.status)) {
    throw new Error(`${method} ${path} as ${session.slug} returned ${response.status}: ${text.slice(0, 500)}`);
  }
  return text === '' ? undefined : JSON.parse(text);
}
