import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { auditOf, clientFor, itTicket, type Client } from './tickets-support.js';

type ProjectBody = { id: string; status: string; version: number; ticketCounts: { open: number; done: number; total: number } };

describe('projects (work containers)', () => {
  let t: TestApp;
  let agent: Client;
  let admin: Client;
  let customer: Client;
  let globex: Client;
  let agentId: string;

  const newTicket = async (client: Client, title: string, extra: Record<string, unknown> = {}) =>
    (await client('post', '/api/v1/tickets').send({ ...itTicket(title), ...extra }).expect(201)).body as { id: string };

  beforeAll(async () => {
    t = await startTestApp();
    const acme = await t.createTenant('acme');
    const globexTenant = await t.createTenant('globex');
    agentId = await t.createUser(acme, 'agent@acme.test', ['Employee']);
    await t.createUser(acme, 'admin@acme.test', ['Admin']);
    await t.createUser(acme, 'customer@acme.test', ['Customer']);
    await t.createUser(globexTenant, 'agent@globex.test', ['Employee']);
    agent = clientFor(t, 'acme', await t.login('acme', 'agent@acme.test'));
    admin = clientFor(t, 'acme', await t.login('acme', 'admin@acme.test'));
    customer = clientFor(t, 'acme', await t.login('acme', 'customer@acme.test'));
    globex = clientFor(t, 'globex', await t.login('globex', 'agent@globex.test'));
  });

  afterAll(async () => {
    await t.close();
  });

  it('creates a project with Location', async () => {
    const response = await agent('post', '/api/v1/projects')
      .send({ name: 'Website relaunch', description: 'New site', managerId: agentId, targetDate: '2027-03-01' })
      .expect(201);
    expect(response.headers.location).toBe(`/api/v1/projects/${response.body.id}`);
    expect(response.body).toMatchObject({ status: 'ACTIVE', managerId: agentId, version: 1 });
    expect(response.body.ticketCounts).toEqual({ open: 0, done: 0, total: 0 });
  });

  it('serves the work-containers alias', async () => {
    const created = await agent('post', '/api/v1/work-containers').send({ name: 'Alias project' }).expect(201);
    const listed = await agent('get', '/api/v1/work-containers').expect(200);
    expect((listed.body.data as ProjectBody[]).map((project) => project.id)).toContain(created.body.id);
    await agent('get', `/api/v1/projects/${created.body.id}`).expect(200);
  });

  it('counts open and done tickets from the workflow', async () => {
    const project = (await agent('post', '/api/v1/projects').send({ name: 'Counting' }).expect(201)).body as ProjectBody;
    const open = await newTicket(agent, 'Open one');
    const closed = await newTicket(agent, 'Closed one');
    const resolved = await newTicket(agent, 'Resolved one');
    const inline = await newTicket(agent, 'Created inside', { projectId: project.id });
    for (const ticket of [open, closed, resolved]) {
      await agent('post', `/api/v1/projects/${project.id}/tickets`).send({ ticketId: ticket.id }).expect(200);
    }
    await agent('post', `/api/v1/tickets/${closed.id}/transitions`).send({ to: 'CLOSED' }).expect(200);
    for (const to of ['IN_PROGRESS', 'RESOLVED']) {
      await agent('post', `/api/v1/tickets/${resolved.id}/transitions`).send({ to }).expect(200);
    }

    const response = await agent('get', `/api/v1/projects/${project.id}`).expect(200);
    expect(response.body.ticketCounts).toEqual({ open: 2, done: 2, total: 4 });
    const tickets = await agent('get', `/api/v1/tickets?projectId=${project.id}&limit=100`).expect(200);
    expect((tickets.body.data as Array<{ id: string }>).map((ticket) => ticket.id).sort()).toEqual(
      [open.id, closed.id, resolved.id, inline.id].sort(),
    );

    await admin('delete', `/api/v1/tickets/${open.id}`).expect(204);
    const afterDelete = await agent('get', `/api/v1/projects/${project.id}`).expect(200);
    expect(afterDelete.body.ticketCounts).toEqual({ open: 1, done: 2, total: 3 });
  });

  it('updates the status and audits the change', async () => {
    const project = (await agent('post', '/api/v1/projects').send({ name: 'Status' }).expect(201)).body as ProjectBody;
    const response = await agent('patch', `/api/v1/projects/${project.id}`)
      .set('If-Match', '"1"')
      .send({ status: 'ON_HOLD' })
      .expect(200);
    expect(response.body.status).toBe('ON_HOLD');
    expect(response.headers.etag).toBe('"2"');
    await agent('patch', `/api/v1/projects/${project.id}`).set('If-Match', '"1"').send({ status: 'COMPLETED' }).expect(412);
    const entries = await auditOf(admin, project.id);
    expect(entries.map((entry) => entry.action)).toEqual(['project.created', 'project.updated']);
    expect(entries[1]!.oldValues).toEqual({ status: 'ACTIVE' });
    expect(entries[1]!.newValues).toEqual({ status: 'ON_HOLD' });
  });

  it('rejects an unknown status', async () => {
    const project = (await agent('post', '/api/v1/projects').send({ name: 'Bad status' }).expect(201)).body as ProjectBody;
    const response = await agent('patch', `/api/v1/projects/${project.id}`).send({ status: 'DONE-ISH' }).expect(400);
    expect(response.body.errors[0].field).toBe('status');
  });

  it('filters projects by status', async () => {
    const project = (await agent('post', '/api/v1/projects').send({ name: 'Planned', status: 'PLANNED' }).expect(201)).body;
    const listed = await agent('get', '/api/v1/projects?status=PLANNED').expect(200);
    expect((listed.body.data as ProjectBody[]).map((item) => item.id)).toEqual([project.id]);
  });

  it('audits adding a ticket on both sides', async () => {
    const project = (await agent('post', '/api/v1/projects').send({ name: 'Audit add' }).expect(201)).body as ProjectBody;
    const ticket = await newTicket(agent, 'Audit add ticket');
    await agent('post', `/api/v1/projects/${project.id}/tickets`).send({ ticketId: ticket.id }).expect(200);
    await agent('post', `/api/v1/projects/${project.id}/tickets`).send({ ticketId: ticket.id }).expect(200);
    expect((await auditOf(admin, project.id)).map((entry) => entry.action)).toEqual(['project.created', 'project.ticket_added']);
    const ticketEntries = (await auditOf(admin, ticket.id)).filter((entry) => entry.action === 'ticket.updated');
    expect(ticketEntries).toHaveLength(1);
    expect(ticketEntries[0]!.newValues).toEqual({ projectId: project.id });
  });

  it('keeps projects inside the tenant', async () => {
    const project = (await agent('post', '/api/v1/projects').send({ name: 'Acme only' }).expect(201)).body as ProjectBody;
    await globex('get', `/api/v1/projects/${project.id}`).expect(404);
    const listed = await globex('get', '/api/v1/projects').expect(200);
    expect((listed.body.data as ProjectBody[]).map((item) => item.id)).not.toContain(project.id);
    const foreignTicket = await newTicket(globex, 'Globex ticket');
    const response = await agent('post', `/api/v1/projects/${project.id}/tickets`).send({ ticketId: foreignTicket.id }).expect(400);
    expect(response.body.errors[0].field).toBe('ticketId');
    await globex('post', `/api/v1/projects/${project.id}/tickets`).send({ ticketId: foreignTicket.id }).expect(404);
  });

  it('rejects a project of another tenant on a ticket', async () => {
    const foreign = (await globex('post', '/api/v1/projects').send({ name: 'Globex project' }).expect(201)).body as ProjectBody;
    const response = await agent('post', '/api/v1/tickets').send(itTicket('Wrong project', { projectId: foreign.id })).expect(400);
    expect(response.body.errors[0].field).toBe('projectId');
  });

  it('closes projects to customers', async () => {
    await customer('get', '/api/v1/projects').expect(403);
    await customer('post', '/api/v1/projects').send({ name: 'Mine' }).expect(403);
  });

  it('pages the project list', async () => {
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const suffix: string = cursor ? `&cursor=${cursor}` : '';
      const page = await agent('get', `/api/v1/projects?limit=2${suffix}`).expect(200);
      for (const project of page.body.data as ProjectBody[]) seen.add(project.id);
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    const all = await agent('get', '/api/v1/projects?limit=100').expect(200);
    expect(seen.size).toBe(all.body.data.length);
  });
});
