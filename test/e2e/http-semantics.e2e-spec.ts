import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('HTTP semantics', () => {
  let t: TestApp;
  let token: string;
  let ticketId: string;

  beforeAll(async () => {
    t = await startTestApp({ MASALA_BASE_DOMAIN: 'masala.test' });
    const acme = await t.createTenant('acme');
    await t.createUser(acme, 'agent@acme.test', ['Employee']);
    token = await t.login('acme', 'agent@acme.test');
    const created = await t.http
      .post('/api/v1/tickets')
      .set('X-Tenant-ID', 'acme')
      .set('Authorization', `Bearer ${token}`)
      .send({ title: 'Versioned', description: 'x', customFields: { urgency: 'Low' } })
      .expect(201);
    ticketId = created.body.id as string;
  });

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

  it('resolves a host name with a trailing dot', async () => {
    const response = await t.http
      .get(`/api/v1/tickets/${ticketId}`)
      .set('Host', 'acme.masala.test.')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(response.body.id).toBe(ticketId);
  });
});
