import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { availableDeployments, startDeployment, type RunningDeployment } from '../tenancy/support/deployments.js';

type TicketBody = { id: string; status: string; version: number };

// The same suite runs in every deployment: shared, isolated (one instance per tenant), database
// (one SQLite file per tenant) and, where it is installed, PostgreSQL with row-level security.
const deployments = await availableDeployments('walking skeleton');

describe.each(deployments)('walking skeleton: $label', (deployment) => {
  let d: RunningDeployment;
  let acmeToken: string;
  let globexToken: string;
  let acmeAdminToken: string;
  let acmeTicket: TicketBody;
  let globexTicket: TicketBody;

  const asAcme = (method: 'get' | 'post', path: string) =>
    d.http('acme')[method](path).set('X-Tenant-ID', 'acme').set('Authorization', `Bearer ${acmeToken}`);
  const asGlobex = (method: 'get' | 'post', path: string) =>
    d.http('globex')[method](path).set('X-Tenant-ID', 'globex').set('Authorization', `Bearer ${globexToken}`);

  beforeAll(async () => {
    d = await startDeployment(deployment, ['acme', { slug: 'globex', jurisdiction: 'NL' }]);
    await d.createUser('acme', 'agent@acme.test', ['Employee']);
    await d.createUser('globex', 'agent@globex.test', ['Employee']);
    await d.createUser('acme', 'admin@acme.test', ['Admin']);
    acmeAdminToken = await d.login('acme', 'admin@acme.test');
    acmeToken = await d.login('acme', 'agent@acme.test');
    globexToken = await d.login('globex', 'agent@globex.test');

    const created = await asAcme('post', '/api/v1/tickets')
      .send({ title: 'VPN down', description: 'Cannot reach the VPN', customFields: { urgency: 'High' } })
      .expect(201);
    acmeTicket = created.body as TicketBody;
    const other = await asGlobex('post', '/api/v1/work-items')
      .send({ title: 'Printer jam', description: 'Floor 2', customFields: { urgency: 'Low' } })
      .expect(201);
    globexTicket = other.body as TicketBody;
  }, 120_000);

  afterAll(async () => {
    await d?.close();
  });

  it('creates a ticket in the first workflow state', () => {
    expect(acmeTicket.status).toBe('NEW');
    expect(acmeTicket.version).toBe(1);
  });

  it('sets Location and ETag on creation', async () => {
    const response = await asAcme('post', '/api/v1/tickets')
      .send({ title: 'Mail bounce', description: 'x', customFields: { urgency: 'Low' } })
      .expect(201);
    expect(response.headers.location).toBe(`/api/v1/tickets/${response.body.id}`);
    expect(response.headers.etag).toBe('"1"');
  });

  it('lists only the own tenant', async () => {
    const acme = await asAcme('get', '/api/v1/tickets').expect(200);
    const ids = (acme.body.data as TicketBody[]).map((ticket) => ticket.id);
    expect(ids).toContain(acmeTicket.id);
    expect(ids).not.toContain(globexTicket.id);
  });

  it('hides the other tenant ticket as missing', async () => {
    const missing = await asAcme('get', `/api/v1/tickets/${crypto.randomUUID()}`).expect(404);
    const foreign = await asAcme('get', `/api/v1/tickets/${globexTicket.id}`).expect(404);
    expect(foreign.body.detail).toBe(missing.body.detail);
    expect(foreign.headers['content-type']).toContain('application/problem+json');
  });

  it('refuses to transition the other tenant ticket', async () => {
    await asAcme('post', `/api/v1/tickets/${globexTicket.id}/transitions`).send({ to: 'IN_PROGRESS' }).expect(404);
    const unchanged = await asGlobex('get', `/api/v1/tickets/${globexTicket.id}`).expect(200);
    expect(unchanged.body.status).toBe('NEW');
  });

  it('rejects a token of another tenant with 401', async () => {
    await d
      .http('globex')
      .get('/api/v1/tickets')
      .set('X-Tenant-ID', 'globex')
      .set('Authorization', `Bearer ${acmeToken}`)
      .expect(401);
  });

  it('rejects an unknown tenant with 404', async () => {
    const response = await d.http('acme').get('/api/v1/tickets').set('X-Tenant-ID', 'nobody').expect(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });

  it('requires a token on tenant routes', async () => {
    await d.http('acme').get('/api/v1/tickets').set('X-Tenant-ID', 'acme').expect(401);
  });

  it('rejects a disallowed transition with the allowed states', async () => {
    const response = await asAcme('post', `/api/v1/tickets/${acmeTicket.id}/transitions`)
      .send({ to: 'RESOLVED' })
      .expect(409);
    expect(response.body.allowedStates).toEqual(['IN_PROGRESS', 'CLOSED']);
  });

  it('moves a ticket through the IT workflow', async () => {
    for (const to of ['IN_PROGRESS', 'RESOLVED', 'CLOSED']) {
      const response = await asAcme('post', `/api/v1/tickets/${acmeTicket.id}/transitions`).send({ to }).expect(200);
      expect(response.body.status).toBe(to);
    }
  });

  it('records an audit entry for each change', async () => {
    const response = await d
      .http('acme')
      .get(`/api/v1/audit?entityId=${acmeTicket.id}&order=asc`)
      .set('X-Tenant-ID', 'acme')
      .set('Authorization', `Bearer ${acmeAdminToken}`);
    expect(response.status).toBe(200);
    const actions = (response.body.data as Array<{ action: string; newValues: { status?: string } }>).map(
      (entry) => `${entry.action}:${entry.newValues?.status ?? ''}`,
    );
    expect(actions).toEqual([
      'ticket.created:NEW',
      'ticket.transitioned:IN_PROGRESS',
      'ticket.transitioned:RESOLVED',
      'ticket.transitioned:CLOSED',
    ]);
  });

  it('forbids the audit log to an Employee', async () => {
    await asAcme('get', '/api/v1/audit').expect(403);
  });

  it('rejects unknown body properties', async () => {
    const response = await asAcme('post', '/api/v1/tickets')
      .send({ title: 'x', description: 'y', tenantId: 'globex', role: 'Admin' })
      .expect(400);
    const fields = (response.body.errors as Array<{ field: string }>).map((error) => error.field).sort();
    expect(fields).toEqual(['role', 'tenantId']);
  });

  it('caps the page size at 100', async () => {
    await asAcme('get', '/api/v1/tickets?limit=101').expect(400);
  });

  it('paginates with a cursor', async () => {
    for (let index = 0; index < 5; index += 1) {
      await asAcme('post', '/api/v1/tickets')
        .send({ title: `Bulk ${index}`, description: 'x', customFields: { urgency: 'Low' } })
        .expect(201);
    }
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const page = await asAcme('get', `/api/v1/tickets?limit=2${query}`).expect(200);
      for (const ticket of page.body.data as TicketBody[]) seen.add(ticket.id);
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    expect(seen.size).toBe(7);
  });

  it('echoes the correlation id', async () => {
    const response = await d.http('acme').get('/health/live').set('X-Correlation-Id', 'abc-123').expect(200);
    expect(response.headers['x-correlation-id']).toBe('abc-123');
  });

  it('reports readiness with database and configuration', async () => {
    const response = await d.http('acme').get('/health/ready').expect(200);
    expect(response.body.checks.database).toBe('ok');
    expect(response.body.checks.configuration.domains).toBe(4);
  });
});
