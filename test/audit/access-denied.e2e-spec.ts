import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AccessDenialRecorder, type AuditEntryView } from '#audit';
import { CrossTenantAccessError, RequestContext } from '#kernel';
import type { Tenant } from '#tenancy';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { allEntries } from './audit-support.js';

/** Recorded one by one per tenant, actor and route each minute; see DEFAULT_DENIAL_LIMITS. */
const MAX_PER_WINDOW = 10;

describe('denied access in the audit trail', () => {
  let t: TestApp;
  let acme: Tenant;
  let employeeId: string;
  let employeeToken: string;
  let adminToken: string;
  let globexTicketId: string;
  let globexAdminToken: string;

  const asEmployee = (path: string) =>
    t.http.get(path).set('X-Tenant-ID', 'acme').set('Authorization', `Bearer ${employeeToken}`);
  const denials = async (): Promise<AuditEntryView[]> =>
    allEntries(t, 'acme', adminToken, { action: 'access.denied', actorId: employeeId });

  beforeAll(async () => {
    t = await startTestApp();
    acme = await t.createTenant('acme');
    const globex = await t.createTenant('globex');
    employeeId = await t.createUser(acme, 'agent@acme.test', ['Employee']);
    await t.createUser(acme, 'admin@acme.test', ['Admin']);
    await t.createUser(globex, 'agent@globex.test', ['Employee']);
    await t.createUser(globex, 'admin@globex.test', ['Admin']);
    employeeToken = await t.login('acme', 'agent@acme.test');
    adminToken = await t.login('acme', 'admin@acme.test');
    const globexToken = await t.login('globex', 'agent@globex.test');
    globexAdminToken = await t.login('globex', 'admin@globex.test');
    const created = await t.http
      .post('/api/v1/tickets')
      .set('X-Tenant-ID', 'globex')
      .set('Authorization', `Bearer ${globexToken}`)
      .send({ title: 'Printer jam', description: 'Floor 2', customFields: { urgency: 'Low' } })
      .expect(201);
    globexTicketId = created.body.id as string;
  });

  afterAll(async () => {
    await t.close();
  });

  it('records a 403 with route and request details', async () => {
    const response = await asEmployee('/api/v1/audit').set('User-Agent', 'denied-test').expect(403);
    const [entry] = await denials();
    expect(entry).toBeDefined();
    expect(entry!.actor).toEqual({ type: 'user', id: employeeId });
    expect(entry!.entityType).toBe('route');
    expect(entry!.newValues).toEqual({
      method: 'GET',
      route: '/api/v1/audit',
      status: 403,
      reason: 'forbidden',
    });
    expect(entry!.correlationId).toBe(response.headers['x-correlation-id']);
    expect(entry!.userAgent).toBe('denied-test');
    expect(entry!.ip).not.toBeNull();
  });

  it('records a foreign ticket like a missing one', async () => {
    const foreign = await asEmployee(`/api/v1/tickets/${globexTicketId}`).expect(404);
    const missingId = crypto.randomUUID();
    const missing = await asEmployee(`/api/v1/tickets/${missingId}`).expect(404);
    expect(foreign.body.detail).toBe(missing.body.detail);

    const lookups = (await denials()).filter((entry) => entry.newValues?.reason === 'not_found');
    expect(lookups.map((entry) => entry.newValues?.requestedId)).toEqual([
      globexTicketId,
      missingId,
    ]);
    expect(lookups[0]!.newValues?.route).toBe('/api/v1/tickets/:id');
    expect(lookups[0]!.newValues?.status).toBe(404);
  });

  it('writes nothing to the tenant that owns the ticket', async () => {
    const entries = await allEntries(t, 'globex', globexAdminToken, { action: 'access.denied' });
    expect(entries).toEqual([]);
  });

  it('records a cross-tenant row stopped by the tenant wall', async () => {
    const recorder = t.app.get(AccessDenialRecorder);
    await RequestContext.run({ correlationId: 'wall-test', tenantId: acme.id }, () =>
      recorder.recordIfDenied(new CrossTenantAccessError('load', 'Ticket'), 404, {
        method: 'GET',
        baseUrl: '',
        route: { path: '/api/v1/tickets/:id' },
        params: { id: globexTicketId },
        principal: {
          tenantId: acme.id,
          tenantSlug: 'acme',
          actor: { type: 'user', id: employeeId, roles: ['Employee'] },
          permissions: new Set(),
        },
      }),
    );
    const walls = (await denials()).filter((entry) => entry.newValues?.reason === 'cross_tenant');
    expect(walls).toHaveLength(1);
    expect(walls[0]!.correlationId).toBe('wall-test');
  });

  it('ignores requests that are not denials', async () => {
    const before = (await denials()).length;
    await asEmployee('/api/v1/tickets?limit=101').expect(400);
    await asEmployee('/api/v1/no-such-route').expect(404);
    await t.http.get('/api/v1/tickets').set('X-Tenant-ID', 'acme').expect(401);
    expect((await denials()).length).toBe(before);
  });

  it('rate-limits repeats and summarises the rest', async () => {
    const route = '/api/v1/audit/verify';
    const attempts = MAX_PER_WINDOW + 15;
    for (let index = 0; index < attempts; index += 1) await asEmployee(route).expect(403);

    const onRoute = () =>
      denials().then((entries) => entries.filter((entry) => entry.newValues?.route === route));
    const recorded = await onRoute();
    expect(recorded).toHaveLength(MAX_PER_WINDOW);
    expect(recorded.every((entry) => entry.newValues?.summary === undefined)).toBe(true);

    await t.app.get(AccessDenialRecorder).flush();
    const summaries = (await onRoute()).filter((entry) => entry.newValues?.summary === true);
    expect(summaries).toHaveLength(1);
    expect(summaries[0]!.newValues?.suppressed).toBe(attempts - MAX_PER_WINDOW);
    expect(summaries[0]!.newValues?.windowStart).toEqual(expect.any(String));
    expect(summaries[0]!.actor.id).toBe(employeeId);
  });

  it('gives each route its own budget', async () => {
    await asEmployee('/api/v1/audit/export').expect(403);
    const entries = (await denials()).filter(
      (entry) => entry.newValues?.route === '/api/v1/audit/export',
    );
    expect(entries).toHaveLength(1);
  });

  it('keeps the chain valid with denial entries', async () => {
    const response = await t.http
      .get('/api/v1/audit/verify')
      .set('X-Tenant-ID', 'acme')
      .set('Authorization', `Bearer ${adminToken}`)
      .expect(200);
    expect(response.body.valid).toBe(true);
  });
});
