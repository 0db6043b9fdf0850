import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { DatabaseRouter } from '#kernel';
import { fillPath, type AppRoute } from '../support/routes.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const RUNS = Number(process.env.MASALA_FUZZ_RUNS ?? 40);

/** Values that have broken JSON APIs before: prototype keys, huge and odd numbers, SQL and path tricks. */
const nastyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    "' OR 1=1 --",
    '"; DROP TABLE tickets; --',
    '%00',
    '../../etc/passwd',
    '\u0000',
    '\ud800',
    '<script>alert(1)</script>',
    '${jndi:ldap://127.0.0.1/x}',
    'x'.repeat(5000),
    '__proto__',
    'constructor',
  ),
);
const nastyNumber = fc.oneof(
  fc.double(),
  fc.constantFrom(1e308, -1e308, 2 ** 53 + 1, -0, Number.MAX_SAFE_INTEGER, 1e-320),
  fc.integer(),
);
const leaf = fc.oneof(nastyString, nastyNumber, fc.boolean(), fc.constant(null));
const nastyValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(
    fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'tenantId', 'role')),
    tie('value'),
    { maxKeys: 5 },
  ),
})).value;

/** JSON nested far deeper than any client sends, as raw text (JSON.stringify would overflow). */
function deepNesting(depth: number): string {
  return `${'{"nested":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

const body = fc.oneof(
  nastyValue,
  fc.constant(deepNesting(5000)),
  fc.constant('not json at all'),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.concat([Buffer.from('{"title":"'), Buffer.from(bytes), Buffer.from('"}')])),
);
/** Visible ASCII and tab: what an HTTP client may put in a header value. */
const headerText = fc.oneof(
  fc.string({ maxLength: 60 }).map((text) => text.replace(/[^\t\x20-\x7e]/g, '')),
  fc.constantFrom('', ' ', '*', '"1"', 'W/"1"', '"1", "2"', '-1', '99999999999999999999', 'null', 'x'.repeat(2000)),
);
/** Authorization values that must all be rejected: garbage, alg none, a wrong signature, other schemes. */
const forgedAuthorization = fc.constantFrom(
  'Bearer',
  'Bearer ',
  'Bearer not.a.token',
  `Bearer ${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":"x","tid":"x"}').toString('base64url')}.`,
  'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl',
  'Basic YWRtaW46YWRtaW4=',
  'ApiKey mak_invalid',
);
/** Headers the API reads, with hostile values. A missing key leaves the header unset. */
const headers = fc.record(
  {
    'X-Tenant-ID': fc.oneof(headerText, fc.constantFrom('acme', 'globex', 'ACME', 'acme ', '../acme')),
    'If-Match': headerText,
    'X-Correlation-Id': headerText,
    'X-Forwarded-For': fc.oneof(headerText, fc.constantFrom('127.0.0.1', '::1, 10.0.0.1', 'unknown')),
    Accept: fc.oneof(headerText, fc.constantFrom('application/xml', 'text/html', '*/*;q=0')),
    'Accept-Encoding': fc.oneof(headerText, fc.constantFrom('gzip', 'br', 'identity;q=0')),
    'Content-Encoding': fc.constantFrom('gzip', 'deflate', 'br', 'x-unknown'),
    Authorization: fc.oneof(forgedAuthorization, headerText),
  },
  { requiredKeys: [] },
);
const query = fc.dictionary(
  fc.constantFrom('limit', 'cursor', 'status', 'q', 'from', 'to', 'entityId', 'order', '__proto__'),
  fc.oneof(nastyString, nastyNumber.map(String)),
  { maxKeys: 4 },
);

interface OpenApiPaths {
  paths: Record<string, Record<string, unknown>>;
}

/** Lists the operations of the OpenAPI document as routes, with `{id}` written as `:id`. */
function documentedRoutes(document: OpenApiPaths): AppRoute[] {
  const methods = new Set<AppRoute['method']>(['get', 'post', 'put', 'patch', 'delete']);
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.keys(operations)
      .filter((method): method is AppRoute['method'] => methods.has(method as AppRoute['method']))
      .map((method) => ({ method, path: path.replace(/\{(\w+)\}/g, ':$1') })),
  );
}

describe('fuzzed requests', () => {
  let t: TestApp;
  let routes: AppRoute[];
  let acmeToken: string;
  let globexTenantId: string;

  const hashOtherTenant = async (): Promise<string> => {
    const writer = t.app.get(DatabaseRouter).catalog().writer;
    const hash = createHash('sha256');
    for (const table of ['tickets', 'users', 'audit_log_entries']) {
      const rows = (await writer.query(`SELECT * FROM ${table} WHERE tenant_id = ? ORDER BY id`, [globexTenantId])) as unknown[];
      hash.update(JSON.stringify(rows));
    }
    return hash.digest('hex');
  };

  beforeAll(async () => {
    t = await startTestApp();
    const acme = await t.createTenant('acme');
    const globex = await t.createTenant('globex');
    globexTenantId = globex.id;
    await t.createUser(acme, 'admin@acme.test', ['Admin']);
    await t.createUser(globex, 'admin@globex.test', ['Admin']);
    acmeToken = await t.login('acme', 'admin@acme.test');
    const globexToken = await t.login('globex', 'admin@globex.test');
    await t.http
      .post('/api/v1/tickets')
      .set('X-Tenant-ID', 'globex')
      .set('Authorization', `Bearer ${globexToken}`)
      .send({ title: 'Other tenant', description: 'must not change', customFields: { urgency: 'Low' } })
      .expect(201);
    routes = documentedRoutes((await t.http.get('/api/docs-json').expect(200)).body as OpenApiPaths);
  });

  afterAll(async () => {
    await t.close();
  });

  it('answers every route without 5xx', async () => {
    expect(routes.length).toBeGreaterThan(5);
    const before = await hashOtherTenant();
    const failures: string[] = [];

    const outcome = await fc.check(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        body,
        query,
        fc.boolean(),
        fc.constantFrom('application/json', 'text/plain', 'application/json; charset=latin1', 'multipart/form-data'),
        fc.option(headers, { freq: 3 }),
        async (route, payload, parameters, authenticated, contentType, hostile) => {
          let request = t.http[route.method](fillPath(route.path)).set('X-Tenant-ID', 'acme').query(parameters);
          if (authenticated) request = request.set('Authorization', `Bearer ${acmeToken}`);
          // Set after the defaults, so a hostile header replaces the tenant or the valid token.
          if (hostile !== null) request = request.set(hostile);
          if (route.method !== 'get' && route.method !== 'delete') {
            const raw = Buffer.isBuffer(payload) ? payload : typeof payload === 'string' ? payload : JSON.stringify(payload);
            request = request.set('Content-Type', contentType).send(raw);
          }
          const response = await request;
          const text = response.text ?? '';
          if (response.status >= 500 || /\n\s+at .+\.(ts|js):\d+/.test(text)) {
            failures.push(`${route.method.toUpperCase()} ${route.path} -> ${response.status}: ${text.slice(0, 200)}`);
          }
          return response.status < 500;
        },
      ),
      { numRuns: RUNS * routes.length },
    );
    if (outcome.failed) {
      const example = JSON.stringify(outcome.counterexample?.slice(0, 1));
      failures.push(`seed ${outcome.seed}, path ${outcome.counterexamplePath}: ${example} ${String(outcome.errorInstance).slice(0, 300)}`);
    }

    expect(failures).toEqual([]);
    expect(await hashOtherTenant()).toBe(before);
  }, 180_000);
});
