import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { permissionsFor } from '#identity';
import { nestRoutes, type RouteEntry } from './support/route-table.js';
import { withoutCorrelation } from './support/identity-helpers.js';

/** Valid bodies, so a route reaches its lookup of the ticket instead of failing validation first. */
function sampleBody(route: RouteEntry, assigneeId: string): Record<string, unknown> {
  if (route.path.endsWith('/transitions')) return { to: 'IN_PROGRESS' };
  if (route.path.endsWith('/assignment')) return { assigneeId };
  if (route.path.includes('/comments')) return { body: 'Looking at this' };
  if (route.method === 'PATCH') return { title: 'Renamed by someone else' };
  return {};
}

/** Routes that act on one ticket: the path names the ticket right after the collection. */
function isTicketRoute(route: RouteEntry): boolean {
  return /^\/api\/v1\/(tickets|work-items)\/:(id|ticketId)(\/|$)/.test(route.path);
}

describe('customer isolation', () => {
  let t: TestApp;
  let ownerToken: string;
  let otherToken: string;
  let agentToken: string;
  let otherId: string;
  let ticketId: string;
  let commentId: string;

  const as = (token: string, method: string, path: string) =>
    t.http[method.toLowerCase() as 'get'](path).set('X-Tenant-ID', 'acme').set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    t = await startTestApp({ MASALA_RATE_LIMIT_PER_MINUTE: '1000000' });
    const acme = await t.createTenant('acme');
    await t.createUser(acme, 'owner@acme.test', ['Customer']);
    otherId = await t.createUser(acme, 'other@acme.test', ['Customer']);
    await t.createUser(acme, 'agent@acme.test', ['Employee']);
    ownerToken = await t.login('acme', 'owner@acme.test');
    otherToken = await t.login('acme', 'other@acme.test');
    agentToken = await t.login('acme', 'agent@acme.test');

    const ticket = await as(ownerToken, 'POST', '/api/v1/tickets')
      .send({ title: 'My printer', description: 'It prints nothing', customFields: { urgency: 'Low' } })
      .expect(201);
    ticketId = ticket.body.id as string;
    const comment = await as(ownerToken, 'POST', `/api/v1/tickets/${ticketId}/comments`).send({ body: 'Still broken' }).expect(201);
    commentId = comment.body.id as string;
    await as(agentToken, 'POST', `/api/v1/tickets/${ticketId}/comments`).send({ body: 'Customer is difficult', internal: true }).expect(201);
    await as(agentToken, 'POST', `/api/v1/tickets/${ticketId}/comments`).send({ body: 'We ordered toner' }).expect(201);
  });

  afterAll(async () => {
    await t.close();
  });

  it('answers every ticket route as for a missing ticket', async () => {
    const routes = nestRoutes(t.app).filter(isTicketRoute);
    expect(routes.length).toBeGreaterThanOrEqual(6);
    const customerPermissions = permissionsFor(['Customer']);
    const differences: string[] = [];

    for (const route of routes) {
      const body = sampleBody(route, otherId);
      const pathFor = (id: string) =>
        route.path
          .replace(/:(id|ticketId)\b/, id)
          .replace(':commentId', commentId)
          .replace(/:[A-Za-z]+/g, crypto.randomUUID());
      const send = (id: string) => {
        // Updates need If-Match, so the request reaches the lookup instead of stopping at 428.
        const request = as(otherToken, route.method, pathFor(id)).set('If-Match', '"1"');
        // Uploads need a real multipart file, so the request reaches the lookup instead of stopping at 415.
        if (route.method === 'POST' && route.path.endsWith('/attachments')) {
          return request.attach('file', Buffer.from('probe'), 'probe.txt');
        }
        return ['POST', 'PATCH', 'PUT'].includes(route.method) ? request.send(body) : request;
      };
      const foreign = await send(ticketId);
      const missing = await send(crypto.randomUUID());

      const expected = customerPermissions.has(route.access ?? '') ? 404 : 403;
      if (foreign.status !== expected) differences.push(`${route.method} ${route.path}: ${foreign.status}, expected ${expected}`);
      const same =
        JSON.stringify(withoutCorrelation(foreign.body as Record<string, unknown>)) ===
        JSON.stringify(withoutCorrelation(missing.body as Record<string, unknown>));
      if (foreign.status !== missing.status || !same) {
        differences.push(`${route.method} ${route.path}: differs from a missing ticket`);
      }
    }
    expect(differences).toEqual([]);
  });

  it('leaves the ticket unchanged', async () => {
    const response = await as(ownerToken, 'GET', `/api/v1/tickets/${ticketId}`).expect(200);
    expect(response.body.status).toBe('NEW');
    expect(response.body.title).toBe('My printer');
  });

  it('lists only the own tickets', async () => {
    const other = await as(otherToken, 'GET', '/api/v1/tickets').expect(200);
    expect((other.body.data as Array<{ id: string }>).map((ticket) => ticket.id)).not.toContain(ticketId);
    const owner = await as(ownerToken, 'GET', '/api/v1/tickets').expect(200);
    expect((owner.body.data as Array<{ id: string }>).map((ticket) => ticket.id)).toContain(ticketId);
    await as(otherToken, 'GET', `/api/v1/tickets?requesterId=${otherId}`).expect(200);
  });

  it('hides internal comments from the owner', async () => {
    const owner = await as(ownerToken, 'GET', `/api/v1/tickets/${ticketId}/comments`).expect(200);
    const bodies = (owner.body.data as Array<{ body: string }>).map((comment) => comment.body);
    expect(bodies).toContain('We ordered toner');
    expect(bodies).not.toContain('Customer is difficult');
    expect(JSON.stringify(owner.body)).not.toContain('Customer is difficult');

    const agent = await as(agentToken, 'GET', `/api/v1/tickets/${ticketId}/comments`).expect(200);
    expect(JSON.stringify(agent.body)).toContain('Customer is difficult');
  });

  it('rejects an internal comment from a customer', async () => {
    const response = await as(ownerToken, 'POST', `/api/v1/tickets/${ticketId}/comments`).send({ body: 'Sneaky', internal: true });
    expect(response.status).toBe(403);
  });

  it('hides internal comments from the ticket history', async () => {
    const history = await as(ownerToken, 'GET', `/api/v1/tickets/${ticketId}/history`);
    expect(history.status).toBe(200);
    expect(JSON.stringify(history.body)).not.toContain('Customer is difficult');
  });
});
