import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Tenant } from '#tenancy';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { auditOf, clientFor, itTicket, type Client } from './tickets-support.js';

type TicketBody = { id: string; version: number; [field: string]: unknown };

describe('ticket updates, deletion and assignment', () => {
  let t: TestApp;
  let acme: Tenant;
  let agent: Client;
  let admin: Client;
  let customer: Client;
  let otherCustomer: Client;
  let agentId: string;
  let customerId: string;
  let globexAgentId: string;

  const create = async (client: Client, body: Record<string, unknown>) =>
    (await client('post', '/api/v1/tickets').send(body).expect(201)).body as TicketBody;

  beforeAll(async () => {
    t = await startTestApp();
    acme = await t.createTenant('acme');
    const globex = await t.createTenant('globex');
    agentId = await t.createUser(acme, 'agent@acme.test', ['Employee']);
    await t.createUser(acme, 'admin@acme.test', ['Admin']);
    customerId = await t.createUser(acme, 'customer@acme.test', ['Customer']);
    await t.createUser(acme, 'other@acme.test', ['Customer']);
    globexAgentId = await t.createUser(globex, 'agent@globex.test', ['Employee']);
    agent = clientFor(t, 'acme', await t.login('acme', 'agent@acme.test'));
    admin = clientFor(t, 'acme', await t.login('acme', 'admin@acme.test'));
    customer = clientFor(t, 'acme', await t.login('acme', 'customer@acme.test'));
    otherCustomer = clientFor(t, 'acme', await t.login('acme', 'other@acme.test'));
  });

  afterAll(async () => {
    await t.close();
  });

  describe('creation', () => {
    it('returns the helpdesk fields', async () => {
      const ticket = await create(agent, itTicket('Laptop', { typeCode: 'INCIDENT', tags: ['Hardware', ' hardware ', 'VPN'] }));
      expect(ticket.tags).toEqual(['hardware', 'vpn']);
      expect(ticket.watcherIds).toEqual([]);
      expect(ticket.projectId).toBeNull();
      expect(ticket.requesterId).toBeDefined();
      expect(ticket.breached).toBe(false);
      expect(ticket.commentCount).toBe(0);
      expect(typeof ticket.dueAt).toBe('string');
      expect(ticket.daysUntilBreach).toBeGreaterThan(0.99);
      expect(ticket.daysUntilBreach).toBeLessThanOrEqual(1);
    });

    it('forbids a customer to set the assignee', async () => {
      const response = await customer('post', '/api/v1/tickets').send(itTicket('Mine', { assigneeId: agentId })).expect(403);
      expect(response.body.requiredPermission).toBe('tickets.assign');
    });
  });

  describe('PATCH', () => {
    it('requires If-Match with 428', async () => {
      const ticket = await create(agent, itTicket('No precondition'));
      const response = await agent('patch', `/api/v1/tickets/${ticket.id}`).send({ title: 'x' }).expect(428);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.body.errors[0].field).toBe('If-Match');
    });

    it('audits only the changed fields', async () => {
      const ticket = await create(agent, itTicket('Printer', { priority: 'low' }));
      const response = await agent('patch', `/api/v1/tickets/${ticket.id}`)
        .set('If-Match', `"${ticket.version}"`)
        .send({ title: 'Printer on fire', priority: 'low', customFields: { os_version: 'Win 11' } })
        .expect(200);
      expect(response.headers.etag).toBe('"2"');
      expect(response.body.title).toBe('Printer on fire');
      expect(response.body.customFields).toEqual({ urgency: 'Low', os_version: 'Win 11' });

      const updates = (await auditOf(admin, ticket.id)).filter((entry) => entry.action === 'ticket.updated');
      expect(updates).toHaveLength(1);
      expect(updates[0]!.oldValues).toEqual({ title: 'Printer', customFields: { urgency: 'Low' } });
      expect(updates[0]!.newValues).toEqual({
        title: 'Printer on fire',
        customFields: { urgency: 'Low', os_version: 'Win 11' },
      });
    });

    it('accepts a bare version in If-Match', async () => {
      const ticket = await create(agent, itTicket('Bare'));
      await agent('patch', `/api/v1/tickets/${ticket.id}`).set('If-Match', '1').send({ title: 'Bare 2' }).expect(200);
    });

    it('keeps the version when nothing changes', async () => {
      const ticket = await create(agent, itTicket('Same'));
      const response = await agent('patch', `/api/v1/tickets/${ticket.id}`)
        .set('If-Match', '"1"')
        .send({ title: 'Same' })
        .expect(200);
      expect(response.body.version).toBe(1);
    });

    it('rejects a stale version with 412', async () => {
      const ticket = await create(agent, itTicket('Stale'));
      await agent('patch', `/api/v1/tickets/${ticket.id}`).set('If-Match', '"1"').send({ title: 'First' }).expect(200);
      const response = await agent('patch', `/api/v1/tickets/${ticket.id}`)
        .set('If-Match', '"1"')
        .send({ title: 'Second' })
        .expect(412);
      expect(response.body.currentVersion).toBe(2);
      const current = await agent('get', `/api/v1/tickets/${ticket.id}`).expect(200);
      expect(current.body.title).toBe('First');
    });

    it('lets one concurrent update win', async () => {
      const ticket = await create(agent, itTicket('Race'));
      const attempts = await Promise.all(
        ['Alice wins', 'Bob wins'].map((title) =>
          agent('patch', `/api/v1/tickets/${ticket.id}`).set('If-Match', '"1"').send({ title }),
        ),
      );
      const statuses = attempts.map((response) => response.status).sort();
      expect(statuses).toEqual([200, 412]);
      const winner = attempts.find((response) => response.status === 200)!;
      const current = await agent('get', `/api/v1/tickets/${ticket.id}`).expect(200);
      expect(current.body.title).toBe(winner.body.title);
      expect(current.body.version).toBe(2);
    });

    it('rejects status, tenantId and authorId', async () => {
      const ticket = await create(agent, itTicket('Whitelist'));
      const response = await agent('patch', `/api/v1/tickets/${ticket.id}`)
        .set('If-Match', '"1"')
        .send({ status: 'CLOSED', tenantId: 'x', authorId: 'y' })
        .expect(400);
      const fields = (response.body.errors as Array<{ field: string }>).map((error) => error.field).sort();
      expect(fields).toEqual(['authorId', 'status', 'tenantId']);
    });

    it('rejects an empty body', async () => {
      const ticket = await create(agent, itTicket('Empty'));
      await agent('patch', `/api/v1/tickets/${ticket.id}`).set('If-Match', '"1"').send({}).expect(400);
    });

    it('rejects null for a required field', async () => {
      const ticket = await create(agent, itTicket('Null title'));
      const response = await agent('patch', `/api/v1/tickets/${ticket.id}`).set('If-Match', '"1"').send({ title: null }).expect(400);
      expect(response.body.errors[0].field).toBe('title');
    });

    it('validates merged custom fields', async () => {
      const ticket = await create(agent, itTicket('Custom'));
      const cleared = await agent('patch', `/api/v1/tickets/${ticket.id}`)
        .set('If-Match', '"1"')
        .send({ customFields: { urgency: null } })
        .expect(400);
      expect(cleared.body.errors[0]).toMatchObject({ field: 'customFields.urgency', rule: 'required' });
      const wrong = await agent('patch', `/api/v1/tickets/${ticket.id}`)
        .set('If-Match', '"1"')
        .send({ customFields: { affected_systems: ['Toaster'] } })
        .expect(400);
      expect(wrong.body.errors[0]).toMatchObject({ field: 'customFields.affected_systems', rule: 'option' });
    });

    it('recomputes due date on retype', async () => {
      const ticket = await create(agent, itTicket('Retype', { typeCode: 'INCIDENT' }));
      const response = await agent('patch', `/api/v1/tickets/${ticket.id}`)
        .set('If-Match', '"1"')
        .send({ typeCode: 'SERVICE_REQUEST' })
        .expect(200);
      const days = (Date.parse(response.body.dueAt) - Date.parse(response.body.createdAt)) / 86_400_000;
      expect(days).toBeCloseTo(5, 5);
    });

    it('lets a customer edit, not tag', async () => {
      const ticket = await create(customer, itTicket('My laptop'));
      await customer('patch', `/api/v1/tickets/${ticket.id}`).set('If-Match', '"1"').send({ title: 'My old laptop' }).expect(200);
      const response = await customer('patch', `/api/v1/tickets/${ticket.id}`)
        .set('If-Match', '"2"')
        .send({ tags: ['vip'] })
        .expect(403);
      expect(response.body.requiredPermission).toBe('tickets.read_all');
      await otherCustomer('patch', `/api/v1/tickets/${ticket.id}`).set('If-Match', '"2"').send({ title: 'Mine now' }).expect(404);
    });

    it('updates tags and watchers', async () => {
      const ticket = await create(agent, itTicket('Watched'));
      const response = await agent('patch', `/api/v1/tickets/${ticket.id}`)
        .set('If-Match', '"1"')
        .send({ tags: ['network'], watcherIds: [agentId] })
        .expect(200);
      expect(response.body.tags).toEqual(['network']);
      expect(response.body.watcherIds).toEqual([agentId]);
      await agent('patch', `/api/v1/tickets/${ticket.id}`)
        .set('If-Match', '"2"')
        .send({ watcherIds: [customerId] })
        .expect(400);
    });
  });

  describe('DELETE', () => {
    it('answers customers 403 for any ticket', async () => {
      const own = await create(customer, itTicket('Delete me'));
      const foreign = await create(otherCustomer, itTicket('Not yours'));
      const forbidden = await customer('delete', `/api/v1/tickets/${own.id}`).expect(403);
      expect(forbidden.body.requiredPermission).toBe('tickets.delete');
      const hidden = await customer('delete', `/api/v1/tickets/${foreign.id}`).expect(403);
      expect(hidden.body.requiredPermission).toBe('tickets.delete');
      await customer('delete', `/api/v1/tickets/${crypto.randomUUID()}`).expect(403);
      await customer('get', `/api/v1/tickets/${own.id}`).expect(200);
      await otherCustomer('get', `/api/v1/tickets/${foreign.id}`).expect(200);
    });

    it('soft-deletes and audits for Admins', async () => {
      const ticket = await create(agent, itTicket('Spam'));
      await agent('delete', `/api/v1/tickets/${ticket.id}`).expect(403);
      await admin('delete', `/api/v1/tickets/${ticket.id}`).expect(204);
      await admin('get', `/api/v1/tickets/${ticket.id}`).expect(404);
      await admin('delete', `/api/v1/tickets/${ticket.id}`).expect(404);
      const list = await admin('get', '/api/v1/tickets?limit=100').expect(200);
      expect((list.body.data as TicketBody[]).map((item) => item.id)).not.toContain(ticket.id);
      const actions = (await auditOf(admin, ticket.id)).map((entry) => entry.action);
      expect(actions).toEqual(['ticket.created', 'ticket.deleted']);
    });

    it('rejects a stale If-Match on delete', async () => {
      const ticket = await create(agent, itTicket('Stale delete'));
      await admin('delete', `/api/v1/tickets/${ticket.id}`).set('If-Match', '"7"').expect(412);
    });
  });

  describe('assignment', () => {
    it('assigns an employee, audited', async () => {
      const ticket = await create(agent, itTicket('Assign me'));
      const response = await agent('post', `/api/v1/tickets/${ticket.id}/assignment`).send({ assigneeId: agentId }).expect(200);
      expect(response.body.assigneeId).toBe(agentId);
      expect(response.headers.etag).toBe('"2"');
      const entries = (await auditOf(admin, ticket.id)).filter((entry) => entry.action === 'ticket.assigned');
      expect(entries).toHaveLength(1);
      expect(entries[0]!.oldValues).toEqual({ assigneeId: null });
      expect(entries[0]!.newValues).toEqual({ assigneeId: agentId });
    });

    it('unassigns with null', async () => {
      const ticket = await create(agent, itTicket('Unassign', { assigneeId: agentId }));
      const response = await agent('post', `/api/v1/tickets/${ticket.id}/assignment`).send({ assigneeId: null }).expect(200);
      expect(response.body.assigneeId).toBeNull();
    });

    it('treats foreign users as missing', async () => {
      const ticket = await create(agent, itTicket('Cross tenant'));
      const foreign = await agent('post', `/api/v1/tickets/${ticket.id}/assignment`).send({ assigneeId: globexAgentId }).expect(400);
      const missing = await agent('post', `/api/v1/tickets/${ticket.id}/assignment`)
        .send({ assigneeId: crypto.randomUUID() })
        .expect(400);
      expect(foreign.body.errors).toEqual(missing.body.errors);
      expect(foreign.body.detail).toBe(missing.body.detail);
    });

    it('rejects a customer as assignee', async () => {
      const ticket = await create(agent, itTicket('Customer assignee'));
      const response = await agent('post', `/api/v1/tickets/${ticket.id}/assignment`).send({ assigneeId: customerId }).expect(400);
      expect(response.body.errors[0].field).toBe('assigneeId');
    });

    it('assigns through PATCH as well', async () => {
      const ticket = await create(agent, itTicket('Patch assignee'));
      const response = await agent('patch', `/api/v1/tickets/${ticket.id}`)
        .set('If-Match', '"1"')
        .send({ assigneeId: agentId, priority: 'high' })
        .expect(200);
      expect(response.body.assigneeId).toBe(agentId);
      const actions = (await auditOf(admin, ticket.id)).map((entry) => entry.action);
      expect(actions).toEqual(['ticket.created', 'ticket.updated', 'ticket.assigned']);
    });

    it('requires the assign permission', async () => {
      const ticket = await create(customer, itTicket('Self assign'));
      await customer('post', `/api/v1/tickets/${ticket.id}/assignment`).send({ assigneeId: agentId }).expect(403);
    });

    it('requires the assigneeId property', async () => {
      const ticket = await create(agent, itTicket('No body'));
      await agent('post', `/api/v1/tickets/${ticket.id}/assignment`).send({}).expect(400);
    });
  });
});
