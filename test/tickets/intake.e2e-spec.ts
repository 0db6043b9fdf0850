import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { auditOf, clientFor, type Client } from './tickets-support.js';

describe('ticket intake for API keys', () => {
  let t: TestApp;
  let admin: Client;
  let agent: Client;
  let intakeKey: string;
  let readKey: string;
  let globexKey: string;
  let adminId: string;
  let customerId: string;

  const intake = (key: string, body: Record<string, unknown>, tenant = 'acme') =>
    t.http.post('/api/v1/tickets/external').set('X-Tenant-ID', tenant).set('X-Api-Key', key).send(body);
  const request = (extra: Record<string, unknown> = {}) => ({
    title: 'Portal form',
    description: 'Submitted through the web form',
    email: 'new.person@example.org',
    name: 'New Person',
    customFields: { urgency: 'Medium' },
    ...extra,
  });
  const createKey = async (client: Client, permissions: string[]) =>
    (await client('post', '/api/v1/api-keys').send({ name: `key ${permissions.join(' ')}`, permissions }).expect(201)).body.key as string;

  beforeAll(async () => {
    t = await startTestApp();
    const acme = await t.createTenant('acme');
    const globex = await t.createTenant('globex');
    adminId = await t.createUser(acme, 'admin@acme.test', ['Admin']);
    await t.createUser(acme, 'agent@acme.test', ['Employee']);
    await t.createUser(acme, 'officer@acme.test', ['ComplianceOfficer']);
    await t.createUser(acme, 'hybrid@acme.test', ['Customer', 'Employee']);
    customerId = await t.createUser(acme, 'customer@acme.test', ['Customer']);
    await t.createUser(globex, 'admin@globex.test', ['Admin']);
    admin = clientFor(t, 'acme', await t.login('acme', 'admin@acme.test'));
    agent = clientFor(t, 'acme', await t.login('acme', 'agent@acme.test'));
    intakeKey = await createKey(admin, ['intake']);
    readKey = await createKey(admin, ['tickets.read']);
    globexKey = await createKey(clientFor(t, 'globex', await t.login('globex', 'admin@globex.test')), ['intake']);
  });

  afterAll(async () => {
    await t.close();
  });

  it('creates a ticket and its requester', async () => {
    const response = await intake(intakeKey, request()).expect(201);
    expect(response.headers.location).toBe(`/api/v1/tickets/${response.body.id}`);
    expect(response.body.requester.created).toBe(true);
    expect(response.body.requesterId).toBe(response.body.requester.id);
    expect(response.body.status).toBe('NEW');

    const seen = await agent('get', `/api/v1/tickets/${response.body.id}`).expect(200);
    expect(seen.body.requesterId).toBe(response.body.requester.id);
    const [entry] = await auditOf(admin, response.body.id);
    expect(entry!.action).toBe('ticket.created');
  });

  it('reuses an existing requester', async () => {
    const first = await intake(intakeKey, request({ email: 'repeat@example.org' })).expect(201);
    const second = await intake(intakeKey, request({ email: 'Repeat@Example.org ' })).expect(201);
    expect(second.body.requester).toEqual({ id: first.body.requester.id, created: false });
    expect(second.body.id).not.toBe(first.body.id);
  });

  it('uses an existing Customer account as requester', async () => {
    const response = await intake(intakeKey, request({ email: 'Customer@Acme.test' })).expect(201);
    expect(response.body.requester).toEqual({ id: customerId, created: false });
    expect(response.body.requesterId).toBe(customerId);
  });

  it('rejects the address of an account that is not a Customer', async () => {
    const title = 'Filed in the name of staff';
    for (const email of ['ADMIN@acme.test', 'agent@acme.test', 'officer@acme.test', 'hybrid@acme.test']) {
      const response = await intake(intakeKey, request({ title, email })).expect(409);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.body.errors).toEqual([
        expect.objectContaining({ field: 'email', rule: 'requester_not_customer' }),
      ]);
      expect(response.text).not.toContain(adminId);
      expect(response.text).not.toMatch(/Admin|Employee|ComplianceOfficer/);
    }
    const listed = await admin('get', '/api/v1/tickets?limit=100').expect(200);
    const titles = (listed.body.data as Array<{ title: string }>).map((ticket) => ticket.title);
    expect(titles).not.toContain(title);
  });

  it('returns the first ticket for a repeated externalRef', async () => {
    const first = await intake(intakeKey, request({ email: 'idem@example.org', externalRef: 'form-4711' })).expect(201);
    const again = await intake(intakeKey, request({ email: 'idem@example.org', externalRef: 'form-4711' })).expect(200);
    expect(again.body.id).toBe(first.body.id);
  });

  it('creates no account for an invalid ticket', async () => {
    const invalid = await intake(intakeKey, request({ email: 'never@example.org', customFields: { urgency: 'Meh' } })).expect(400);
    expect(invalid.body.errors[0].field).toBe('customFields.urgency');
    const valid = await intake(intakeKey, request({ email: 'never@example.org' })).expect(201);
    expect(valid.body.requester.created).toBe(true);
  });

  it('validates the body', async () => {
    const email = await intake(intakeKey, request({ email: 'not-an-address' })).expect(400);
    expect(email.body.errors[0].field).toBe('email');
    const extra = await intake(intakeKey, request({ priority: 'urgent', requesterId: 'x' })).expect(400);
    expect(extra.body.errors.map((error: { field: string }) => error.field).sort()).toEqual(['priority', 'requesterId']);
  });

  it('requires the intake permission', async () => {
    await intake(readKey, request()).expect(403);
    await admin('post', '/api/v1/tickets/external').send(request()).expect(403);
    await t.http.post('/api/v1/tickets/external').set('X-Tenant-ID', 'acme').send(request()).expect(401);
  });

  it('rejects a key of another tenant', async () => {
    await intake(globexKey, request(), 'acme').expect(401);
    const own = await intake(globexKey, request({ customFields: { urgency: 'Low' } }), 'globex').expect(201);
    await agent('get', `/api/v1/tickets/${own.body.id}`).expect(404);
  });
});
