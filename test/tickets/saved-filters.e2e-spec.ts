import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { auditOf, clientFor, itTicket, type Client } from './tickets-support.js';

describe('saved filters', () => {
  let t: TestApp;
  let agent: Client;
  let colleague: Client;
  let admin: Client;
  let customer: Client;
  let urgentId: string;

  beforeAll(async () => {
    t = await startTestApp();
    const acme = await t.createTenant('acme');
    await t.createUser(acme, 'agent@acme.test', ['Employee']);
    await t.createUser(acme, 'colleague@acme.test', ['Employee']);
    await t.createUser(acme, 'admin@acme.test', ['Admin']);
    await t.createUser(acme, 'customer@acme.test', ['Customer']);
    agent = clientFor(t, 'acme', await t.login('acme', 'agent@acme.test'));
    colleague = clientFor(t, 'acme', await t.login('acme', 'colleague@acme.test'));
    admin = clientFor(t, 'acme', await t.login('acme', 'admin@acme.test'));
    customer = clientFor(t, 'acme', await t.login('acme', 'customer@acme.test'));
    const urgent = itTicket('Server down', { priority: 'urgent', tags: ['outage'] });
    urgentId = (await agent('post', '/api/v1/tickets').send(urgent).expect(201)).body.id;
    await agent('post', '/api/v1/tickets').send(itTicket('Password reset', { priority: 'low' })).expect(201);
  });

  afterAll(async () => {
    await t.close();
  });

  it('saves, lists and runs a filter', async () => {
    const created = await agent('post', '/api/v1/saved-filters')
      .send({ name: 'Outages', criteria: { tag: 'outage', sort: '-priority', unassigned: true } })
      .expect(201);
    expect(created.headers.location).toBe(`/api/v1/saved-filters/${created.body.id}`);
    expect(created.body.criteria).toEqual({ tag: 'outage', sort: '-priority', unassigned: true });

    const listed = await agent('get', '/api/v1/saved-filters').expect(200);
    expect(listed.body.data.map((filter: { name: string }) => filter.name)).toEqual(['Outages']);

    const run = await agent('get', `/api/v1/saved-filters/${created.body.id}/tickets`).expect(200);
    expect(run.body.data.map((ticket: { id: string }) => ticket.id)).toEqual([urgentId]);
  });

  it('keeps filters private to their owner', async () => {
    const created = await agent('post', '/api/v1/saved-filters').send({ name: 'Mine', criteria: {} }).expect(201);
    await colleague('get', `/api/v1/saved-filters/${created.body.id}`).expect(404);
    await colleague('get', `/api/v1/saved-filters/${created.body.id}/tickets`).expect(404);
    await colleague('delete', `/api/v1/saved-filters/${created.body.id}`).expect(404);
    const listed = await colleague('get', '/api/v1/saved-filters').expect(200);
    expect(listed.body.data).toEqual([]);
  });

  it('applies ticket visibility when run', async () => {
    const created = await customer('post', '/api/v1/saved-filters').send({ name: 'Everything', criteria: {} }).expect(201);
    const run = await customer('get', `/api/v1/saved-filters/${created.body.id}/tickets`).expect(200);
    expect(run.body.data).toEqual([]);
  });

  it('renames and replaces criteria', async () => {
    const created = await agent('post', '/api/v1/saved-filters').send({ name: 'Old name', criteria: { priority: 'x' } }).expect(400);
    expect(created.body.errors[0].field).toBe('criteria.priority');

    const filter = (await agent('post', '/api/v1/saved-filters').send({ name: 'Old name', criteria: { status: 'NEW' } }).expect(201)).body;
    const updated = await agent('patch', `/api/v1/saved-filters/${filter.id}`)
      .set('If-Match', '"1"')
      .send({ name: 'New name', criteria: { overdue: false } })
      .expect(200);
    expect(updated.body).toMatchObject({ name: 'New name', criteria: { overdue: false }, version: 2 });
    await agent('patch', `/api/v1/saved-filters/${filter.id}`).set('If-Match', '"1"').send({ name: 'Stale' }).expect(412);
    const actions = (await auditOf(admin, filter.id)).map((entry) => entry.action);
    expect(actions).toEqual(['saved_filter.created', 'saved_filter.updated']);
  });

  it('rejects a duplicate name with 409', async () => {
    await agent('post', '/api/v1/saved-filters').send({ name: 'Twice', criteria: {} }).expect(201);
    const response = await agent('post', '/api/v1/saved-filters').send({ name: 'Twice', criteria: {} }).expect(409);
    expect(response.body.errors[0].field).toBe('name');
    await colleague('post', '/api/v1/saved-filters').send({ name: 'Twice', criteria: {} }).expect(201);
  });

  it('rejects unknown criteria', async () => {
    const response = await agent('post', '/api/v1/saved-filters').send({ name: 'Bad', criteria: { tenantId: 'x' } }).expect(400);
    expect(response.body.errors[0].field).toBe('criteria.tenantId');
  });

  it('deletes a filter with an audit entry', async () => {
    const filter = (await agent('post', '/api/v1/saved-filters').send({ name: 'Temporary', criteria: {} }).expect(201)).body;
    await agent('delete', `/api/v1/saved-filters/${filter.id}`).expect(204);
    await agent('get', `/api/v1/saved-filters/${filter.id}`).expect(404);
    const actions = (await auditOf(admin, filter.id)).map((entry) => entry.action);
    expect(actions).toEqual(['saved_filter.created', 'saved_filter.deleted']);
  });
});
