import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { listRoutes, type AppRoute } from '../support/routes.js';
import { postgresUrl, SUPERUSER_ROLE } from '../postgres/support/postgres.js';
import {
  compareSnapshots,
  hashTenantRows,
  snapshotDatabase,
  unexpectedChanges,
  type DatabaseSnapshot,
  type SnapshotSource,
} from './support/database-snapshot.js';
import { availableDeployments, startDeployment, type RunningDeployment } from './support/deployments.js';
import {
  bodyFor,
  FILE_UPLOAD,
  kindOfParameter,
  parametersOf,
  seedTenant,
  type ResourceKind,
  type SeededTenant,
} from './support/tenant-fixtures.js';

/** One probe: the same request with another tenant's id and with an id that exists nowhere. */
interface Probe {
  label: string;
  method: AppRoute['method'];
  foreign: string;
  missing: string;
  body?: (id: string) => Record<string, unknown> | typeof FILE_UPLOAD;
  bodyId?: { foreign: string; missing: string };
  /** Whether the response must be 404, not merely the same as for the missing id. */
  expectNotFound: boolean;
}

/** Requests whose body or query names another resource, for each kind they name. */
const REFERENCE_PROBES: Array<{
  method: AppRoute['method'];
  route: string;
  path: (own: SeededTenant) => string | undefined;
  kind: ResourceKind;
  body?: (id: string) => Record<string, unknown>;
  query?: string;
}> = [
  { method: 'patch', route: '/api/v1/tickets/:id', path: (own) => `/api/v1/tickets/${own.resources.ticket[1]}`, kind: 'user', body: (id) => ({ assigneeId: id }) },
  { method: 'patch', route: '/api/v1/tickets/:id', path: (own) => `/api/v1/tickets/${own.resources.ticket[1]}`, kind: 'project', body: (id) => ({ projectId: id }) },
  { method: 'patch', route: '/api/v1/tickets/:id', path: (own) => `/api/v1/tickets/${own.resources.ticket[1]}`, kind: 'user', body: (id) => ({ watcherIds: [id] }) },
  { method: 'post', route: '/api/v1/tickets/:id/assignment', path: (own) => `/api/v1/tickets/${own.resources.ticket[1]}/assignment`, kind: 'user', body: (id) => ({ assigneeId: id }) },
  { method: 'post', route: '/api/v1/projects/:id/tickets', path: (own) => own.resources.project[0] && `/api/v1/projects/${own.resources.project[0]}/tickets`, kind: 'ticket', body: (id) => ({ ticketId: id }) },
  { method: 'post', route: '/api/v1/tickets', path: () => '/api/v1/tickets', kind: 'user', body: (id) => ({ title: 'probe', description: 'x', customFields: { urgency: 'Low' }, assigneeId: id }) },
  { method: 'post', route: '/api/v1/projects', path: () => '/api/v1/projects', kind: 'user', body: (id) => ({ name: 'probe', managerId: id }) },
  { method: 'get', route: '/api/v1/audit', path: () => '/api/v1/audit', kind: 'ticket', query: 'entityId' },
  { method: 'get', route: '/api/v1/audit', path: () => '/api/v1/audit', kind: 'user', query: 'actorId' },
  { method: 'get', route: '/api/v1/tickets', path: () => '/api/v1/tickets', kind: 'user', query: 'assigneeId' },
  { method: 'get', route: '/api/v1/compliance/consents', path: () => '/api/v1/compliance/consents', kind: 'user', query: 'subjectId' },
];

function outcome(response: Response): unknown {
  const body = (response.body ?? {}) as Record<string, unknown>;
  if (String(response.headers['content-type'] ?? '').includes('problem+json')) {
    const { type, title, detail, errors } = body;
    return { status: response.status, type, title, detail, errors };
  }
  return { status: response.status, body };
}

/** Ids of the other tenant's rows, one per table, for parameters whose kind the test does not know. */
function foreignRowIds(snapshot: DatabaseSnapshot, tenantId: string): string[] {
  const byTable = new Map<string, string>();
  for (const row of snapshot.values()) {
    const id = row.values['id'];
    if (row.tenantId === tenantId && typeof id === 'string' && !byTable.has(row.table)) byTable.set(row.table, id);
  }
  return [...byTable.values()];
}

function buildProbes(routes: readonly AppRoute[], own: SeededTenant, other: SeededTenant, otherRowIds: string[]): Probe[] {
  const probes: Probe[] = [];
  const fill = (path: string, values: Record<string, string>) => path.replace(/:(\w+)/g, (_m, name: string) => values[name]!);

  for (const route of routes) {
    if (!route.path.startsWith('/api/v1/') || route.path.includes('*')) continue;
    const parameters = parametersOf(route.path);
    if (parameters.length === 0) continue;
    const kinds = parameters.map((parameter) => kindOfParameter(route.path, parameter));
    const body = bodyFor(route);
    const base = { method: route.method, body: body && (() => body) };

    // Every parameter another tenant's; parameters of an unknown kind try a row of every table.
    const choices = parameters.map((_parameter, index) => {
      const kind = kinds[index];
      const known = kind ? other.resources[kind][0] : undefined;
      return known ? [known] : otherRowIds;
    });
    const width = Math.max(...choices.map((choice) => choice.length));
    for (let variant = 0; variant < width; variant += 1) {
      const foreign: Record<string, string> = {};
      const missing: Record<string, string> = {};
      parameters.forEach((parameter, index) => {
        const choice = choices[index]!;
        foreign[parameter] = choice[variant % choice.length]!;
        missing[parameter] = crypto.randomUUID();
      });
      probes.push({
        ...base,
        label: `${route.method.toUpperCase()} ${route.path} with the other tenant's ids`,
        foreign: fill(route.path, foreign),
        missing: fill(route.path, missing),
        expectNotFound: kinds.every(Boolean),
      });
    }

    // Nested routes: the caller's own parent with the other tenant's child, and the reverse.
    if (parameters.length < 2) continue;
    parameters.forEach((target, position) => {
      const kind = kinds[position];
      const foreignId = kind ? other.resources[kind][0] : undefined;
      if (!foreignId) return;
      const foreign: Record<string, string> = {};
      const missing: Record<string, string> = {};
      parameters.forEach((parameter, index) => {
        const ownKind = kinds[index];
        const ownId = (ownKind && own.resources[ownKind][0]) || crypto.randomUUID();
        foreign[parameter] = index === position ? foreignId : ownId;
        missing[parameter] = index === position ? crypto.randomUUID() : ownId;
      });
      probes.push({
        ...base,
        label: `${route.method.toUpperCase()} ${route.path} with the other tenant's :${target} only`,
        foreign: fill(route.path, foreign),
        missing: fill(route.path, missing),
        expectNotFound: true,
      });
    });
  }

  for (const reference of REFERENCE_PROBES) {
    if (!routes.some((route) => route.method === reference.method && route.path === reference.route)) continue;
    const path = reference.path(own);
    const foreignId = other.resources[reference.kind][0];
    if (!path || !foreignId) continue;
    const missingId = crypto.randomUUID();
    const label = `${reference.method.toUpperCase()} ${reference.route} naming the other tenant's ${reference.kind}`;
    if (reference.query) {
      probes.push({
        label: `${label} in ?${reference.query}`,
        method: reference.method,
        foreign: `${path}?${reference.query}=${foreignId}`,
        missing: `${path}?${reference.query}=${missingId}`,
        expectNotFound: false,
      });
    } else {
      probes.push({
        label: `${label} in the body`,
        method: reference.method,
        foreign: path,
        missing: path,
        body: reference.body,
        bodyId: { foreign: foreignId, missing: missingId },
        expectNotFound: false,
      });
    }
  }
  return probes;
}

const deployments = await availableDeployments('cross-tenant matrix', ['shared', 'database', 'postgres']);

describe.each(deployments)('cross-tenant matrix: $label', (deployment) => {
  let d: RunningDeployment;
  let routes: AppRoute[];
  let acme: SeededTenant;
  let globex: SeededTenant;
  let source: SnapshotSource;

  beforeAll(async () => {
    // Hundreds of probes from one user must stay under the rate limit, or 429s would hide the responses.
    d = await startDeployment(deployment, ['acme', 'globex'], { MASALA_RATE_LIMIT_PER_MINUTE: '10000000' });
    routes = listRoutes(d.app('acme').app);
    acme = await seedTenant(d, 'acme', routes);
    globex = await seedTenant(d, 'globex', routes);
    source = d.database
      ? { kind: 'postgres', url: postgresUrl(SUPERUSER_ROLE, d.database.name) }
      : { kind: 'sqlite', dataDir: d.app('acme').dataDir };
  }, 120_000);

  afterAll(async () => {
    await d?.close();
  });

  it('answers another tenant id as missing', async () => {
    const before = await snapshotDatabase(source);
    const probes = buildProbes(routes, acme, globex, foreignRowIds(before, globex.id));
    expect(probes.length).toBeGreaterThan(20);

    const send = (probe: Probe, path: string, bodyId?: string) => {
      let request = d
        .http('acme')
        [probe.method](path)
        .set('X-Tenant-ID', 'acme')
        .set('Authorization', `Bearer ${acme.adminToken}`)
        .set('If-Match', '"1"');
      if (probe.method !== 'get' && probe.method !== 'delete') {
        const body = probe.body ? probe.body(bodyId ?? '') : {};
        request = body === FILE_UPLOAD ? request.attach('file', Buffer.from('probe\n'), 'probe.txt') : request.send(body);
      }
      return request;
    };

    const mismatches: string[] = [];
    const notNotFound: string[] = [];
    for (const probe of probes) {
      const foreign = outcome(await send(probe, probe.foreign, probe.bodyId?.foreign));
      const missing = outcome(await send(probe, probe.missing, probe.bodyId?.missing));
      if (JSON.stringify(foreign) !== JSON.stringify(missing)) {
        mismatches.push(`${probe.label}: ${JSON.stringify(foreign)} but missing id gives ${JSON.stringify(missing)}`);
      }
      const status = (foreign as { status: number }).status;
      if (probe.expectNotFound && status !== 404) notNotFound.push(`${probe.label}: ${status}`);
      if (!probe.expectNotFound && status < 400 && probe.method !== 'get') {
        notNotFound.push(`${probe.label}: accepted with ${status}`);
      }
    }

    expect(mismatches).toEqual([]);
    expect(notNotFound).toEqual([]);

    const after = await snapshotDatabase(source);
    expect(unexpectedChanges(compareSnapshots(before, after), acme.id)).toEqual([]);
    expect(hashTenantRows(after, globex.id)).toBe(hashTenantRows(before, globex.id));
  }, 120_000);
});
