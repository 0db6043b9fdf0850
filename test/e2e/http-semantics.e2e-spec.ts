import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { HSTS_MAX_AGE_SECONDS } from '../../apps/api/src/http/security.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { clientFor, type Client } from '../tickets/tickets-support.js';

describe('HTTP semantics', () => {
  let t: TestApp;
  let token: string;
  let adminToken: string;
  let agent: Client;
  let ticketId: string;

  beforeAll(async () => {
    t = await startTestApp({ MASALA_BASE_DOMAIN: 'masala.test' });
    const acme = await t.createTenant('acme');
    await t.createUser(acme, 'agent@acme.test', ['Employee']);
    await t.createUser(acme, 'admin@acme.test', ['Admin']);
    token = await t.login('acme', 'agent@acme.test');
    adminToken = await t.login('acme', 'admin@acme.test');
    agent = clientFor(t, 'acme', token);
    const created = await t.http
      .post('/api/v1/tickets')
      .set('X-Tenant-ID', 'acme')
      .set('Authorization', `Bearer ${token}`)
      .send({ title: 'Versioned', description: 'x', customFields: { urgency: 'Low' } })
      .expect(201);
    ticketId = created.body.id as string;
  });

  const createTicket = async (title: string): Promise<string> => {
    const created = await agent('post', '/api/v1/tickets').send({ title, description: 'x', customFields: { urgency: 'Low' } }).expect(201);
    return created.body.id as string;
  };

  afterAll(async () => {
    await t.close();
  });

  it('never matches a weak If-Match tag', async () => {
    const response = await t.http
      .post(`/api/v1/tickets/${ticketId}/transitions`)
      .set('X-Tenant-ID', 'acme')
      .set('Authorization', `Bearer ${token}`)
      .set('If-Match', 'W/"1"')
      .send({ to: 'IN_PROGRESS' })
      .expect(412);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });

  it('matches a strong If-Match tag', async () => {
    await t.http
      .post(`/api/v1/tickets/${ticketId}/transitions`)
      .set('X-Tenant-ID', 'acme')
      .set('Authorization', `Bearer ${token}`)
      .set('If-Match', '"1"')
      .send({ to: 'IN_PROGRESS' })
      .expect(200);
  });

  it('accepts If-Match * for an existing ticket', async () => {
    const id = await createTicket('Wildcard');
    const response = await agent('patch', `/api/v1/tickets/${id}`).set('If-Match', '*').send({ title: 'Wildcard renamed' }).expect(200);
    expect(response.headers.etag).toBe('"2"');
    expect(response.body.title).toBe('Wildcard renamed');
  });

  it('answers If-Match * for a missing ticket with 404', async () => {
    const response = await agent('patch', `/api/v1/tickets/${crypto.randomUUID()}`).set('If-Match', '*').send({ title: 'x' }).expect(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });

  it('accepts the ETag as sent and the bare version', async () => {
    const id = await createTicket('Tagged');
    const read = await agent('get', `/api/v1/tickets/${id}`).expect(200);
    expect(read.headers.etag).toBe('"1"');
    const first = await agent('patch', `/api/v1/tickets/${id}`).set('If-Match', read.headers.etag!).send({ title: 'Tagged once' }).expect(200);
    expect(first.headers.etag).toBe('"2"');
    const second = await agent('patch', `/api/v1/tickets/${id}`).set('If-Match', ' 2 ').send({ title: 'Tagged twice' }).expect(200);
    expect(second.headers.etag).toBe('"3"');
  });

  it('rejects a stale If-Match with 412', async () => {
    const id = await createTicket('Stale');
    await agent('patch', `/api/v1/tickets/${id}`).set('If-Match', '"1"').send({ title: 'Stale first' }).expect(200);
    const response = await agent('patch', `/api/v1/tickets/${id}`).set('If-Match', '"1"').send({ title: 'Stale second' }).expect(412);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body.currentVersion).toBe(2);
    const stored = await agent('get', `/api/v1/tickets/${id}`).expect(200);
    expect(stored.body.title).toBe('Stale first');
  });

  it('rejects a weak tag of the current version with 412', async () => {
    const id = await createTicket('Weak');
    await agent('patch', `/api/v1/tickets/${id}`).set('If-Match', 'W/"1"').send({ title: 'Weak renamed' }).expect(412);
  });

  it('requires a non-empty If-Match on PATCH', async () => {
    const id = await createTicket('Unconditional');
    const response = await agent('patch', `/api/v1/tickets/${id}`).set('If-Match', '').send({ title: 'x' }).expect(428);
    expect(response.body.errors[0].field).toBe('If-Match');
  });

  it('rejects an If-Match that names no version', async () => {
    const id = await createTicket('Garbled');
    const response = await agent('patch', `/api/v1/tickets/${id}`).set('If-Match', '"abc"').send({ title: 'x' }).expect(400);
    expect(response.body.errors[0].field).toBe('If-Match');
  });

  it('matches any strong tag of an If-Match list', async () => {
    const id = await createTicket('Listed');
    await agent('patch', `/api/v1/tickets/${id}`).set('If-Match', '"1"').send({ title: 'Listed once' }).expect(200);
    const updated = await agent('patch', `/api/v1/tickets/${id}`).set('If-Match', '"1", "2"').send({ title: 'Listed twice' }).expect(200);
    expect(updated.headers.etag).toBe('"3"');
    const bare = await agent('patch', `/api/v1/tickets/${id}`).set('If-Match', '3,4').send({ title: 'Listed bare' }).expect(200);
    expect(bare.headers.etag).toBe('"4"');
    const sparse = await agent('patch', `/api/v1/tickets/${id}`).set('If-Match', ', "9" ,, "4",').send({ title: 'Listed sparse' }).expect(200);
    expect(sparse.headers.etag).toBe('"5"');
  });

  it.each([
    ['no listed version is current', '"1", "2"'],
    ['only a weak tag is current', 'W/"1", "7"'],
    ['every listed tag is weak', 'W/"1", W/"2"'],
  ])('rejects an If-Match list with 412 when %s', async (_case, header) => {
    const id = await createTicket('Listed stale');
    if (!header.startsWith('W/')) {
      await agent('patch', `/api/v1/tickets/${id}`).set('If-Match', '"1"').send({ title: 'Moved on' }).expect(200);
      await agent('patch', `/api/v1/tickets/${id}`).set('If-Match', '"2"').send({ title: 'Moved on again' }).expect(200);
    }
    const response = await agent('patch', `/api/v1/tickets/${id}`).set('If-Match', header).send({ title: 'Too late' }).expect(412);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const stored = await agent('get', `/api/v1/tickets/${id}`).expect(200);
    expect(stored.body.title).not.toBe('Too late');
  });

  it.each(['"1" "2"', '"1", "abc"', '"1", *', '"1", "2'])('rejects the malformed If-Match list %s', async (header) => {
    const id = await createTicket('Listed garbled');
    const response = await agent('patch', `/api/v1/tickets/${id}`).set('If-Match', header).send({ title: 'x' }).expect(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ field: 'If-Match', rule: 'etag' })]);
  });

  it('accepts an If-Match list on transitions and users', async () => {
    const id = await createTicket('Listed transition');
    await agent('post', `/api/v1/tickets/${id}/transitions`).set('If-Match', '"7", "1"').send({ to: 'IN_PROGRESS' }).expect(200);
    const admin = clientFor(t, 'acme', adminToken);
    const me = await agent('get', '/api/v1/me').expect(200);
    const user = await admin('get', `/api/v1/users/${me.body.id}`).expect(200);
    const version = Number(JSON.parse(user.headers.etag!));
    await admin('patch', `/api/v1/users/${me.body.id}`)
      .set('If-Match', `"${version + 5}", "${version}"`)
      .send({ displayName: 'Listed Agent' })
      .expect(200);
    const stale = await admin('patch', `/api/v1/users/${me.body.id}`)
      .set('If-Match', `"${version}", "${version + 5}"`)
      .send({ displayName: 'Stale Agent' })
      .expect(412);
    expect(stale.headers['content-type']).toContain('application/problem+json');
  });

  it('finds a ticket by its uppercase id', async () => {
    const uppercaseId = ticketId.toUpperCase();
    const response = await agent('get', `/api/v1/tickets/${uppercaseId}`).expect(200);
    expect(response.body.id).toBe(ticketId);
    const aliased = await agent('get', `/api/v1/work-items/${uppercaseId}`).expect(200);
    expect(aliased.body.id).toBe(ticketId);
  });

  it('accepts uppercase ids on nested routes', async () => {
    const uppercaseId = ticketId.toUpperCase();
    const comment = await agent('post', `/api/v1/tickets/${uppercaseId}/comments`).send({ body: 'Checked the logs' }).expect(201);
    expect(comment.headers.location).toBe(`/api/v1/tickets/${ticketId}/comments/${comment.body.id}`);
    const uppercaseCommentId = String(comment.body.id).toUpperCase();
    await agent('get', `/api/v1/tickets/${uppercaseId}/comments/${uppercaseCommentId}/revisions`).expect(200);
    const comments = await agent('get', `/api/v1/tickets/${uppercaseId}/comments`).expect(200);
    expect(comments.body.data.map((item: { id: string }) => item.id)).toContain(comment.body.id);
    await agent('get', `/api/v1/tickets/${uppercaseId}/history`).expect(200);
  });

  it('updates a ticket by its uppercase id', async () => {
    const current = await agent('get', `/api/v1/tickets/${ticketId}`).expect(200);
    const updated = await agent('patch', `/api/v1/tickets/${ticketId.toUpperCase()}`)
      .set('If-Match', current.headers.etag!)
      .send({ title: 'Versioned (renamed)' })
      .expect(200);
    expect(updated.body.id).toBe(ticketId);
  });

  it('reports a malformed id as not found', async () => {
    const response = await agent('get', '/api/v1/tickets/not-a-uuid').expect(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });

  it('finds a user by its uppercase id', async () => {
    const me = await agent('get', '/api/v1/me').expect(200);
    const admin = clientFor(t, 'acme', adminToken);
    const response = await admin('get', `/api/v1/users/${String(me.body.id).toUpperCase()}`).expect(200);
    expect(response.body.id).toBe(me.body.id);
  });

  it('resolves a host name with a trailing dot', async () => {
    const response = await t.http
      .get(`/api/v1/tickets/${ticketId}`)
      .set('Host', 'acme.masala.test.')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(response.body.id).toBe(ticketId);
  });

  it.each([
    ['get', '/'],
    ['get', '/foo'],
    ['get', '/api'],
    ['get', '/health'],
    ['get', '/health/x'],
    ['get', '/metrics/x'],
    ['get', '/favicon.ico'],
    ['get', '//api/v1/tickets/00000000-0000-4000-8000-000000000000'],
    ['get', '//health/live'],
    ['post', '/'],
    ['delete', '/'],
    ['patch', '/'],
    ['post', '/health/live'],
    ['get', '/api/v1/no-such-route'],
  ] as const)('returns problem+json 404 for unmatched %s %s', async (method, path) => {
    const response = await t.http[method](path).expect(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body).toMatchObject({ status: 404, title: 'Not Found', type: 'urn:ticket-masala:problem:not_found' });
    expect(response.body.detail).toBe(`No route for ${method.toUpperCase()} ${path}`);
    expect(response.body.correlationId).toBe(response.headers['x-correlation-id']);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
    expect(response.headers['strict-transport-security']).toBe(`max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains`);
    expect(response.text).not.toContain('<html');
  });

  it.each(['%C0%AF', '%uD800', '%FF', '%E2%82'])('names the path for a malformed escape %s', async (escape) => {
    const admin = clientFor(t, 'acme', adminToken);
    const response = await admin('get', `/api/v1/users/${escape}`).expect(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body.errors).toEqual([expect.objectContaining({ field: 'path', rule: 'uri_encoding' })]);
    expect(response.body.correlationId).toBe(response.headers['x-correlation-id']);
  });
});
