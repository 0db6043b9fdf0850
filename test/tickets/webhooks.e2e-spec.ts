import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { DatabaseRouter } from '#kernel';
import { WebhookDispatcher, type DeliveryOutcome } from '#tickets';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { auditOf, clientFor, itTicket, type Client } from './tickets-support.js';
import { WebhookReceiver } from './webhook-receiver.js';

const ALL_EVENTS = ['ticket.created', 'ticket.transitioned', 'ticket.assigned', 'ticket.commented'];

describe('webhooks on 127.0.0.1 with private addresses allowed', () => {
  let t: TestApp;
  let admin: Client;
  let agent: Client;
  let agentId: string;
  let receiver: WebhookReceiver;
  let outcomes: DeliveryOutcome[];

  /** Resolves with the first outcome that matches. */
  const outcome = (match: (item: DeliveryOutcome) => boolean) =>
    new Promise<DeliveryOutcome>((resolve) => {
      const found = outcomes.find(match);
      if (found) return resolve(found);
      const stop = t.app.get(WebhookDispatcher).observe((item) => {
        if (match(item)) {
          stop();
          resolve(item);
        }
      });
    });

  const createWebhook = async (events = ALL_EVENTS, url = receiver.url) =>
    (await admin('post', '/api/v1/webhooks').send({ url, events }).expect(201)).body as { id: string; secret: string };

  beforeAll(async () => {
    t = await startTestApp({
      MASALA_WEBHOOK_ALLOW_PRIVATE: 'true',
      MASALA_WEBHOOK_RETRY_BASE_MS: '10',
      MASALA_WEBHOOK_MAX_ATTEMPTS: '3',
    });
    const acme = await t.createTenant('acme');
    await t.createUser(acme, 'admin@acme.test', ['Admin']);
    agentId = await t.createUser(acme, 'agent@acme.test', ['Employee']);
    admin = clientFor(t, 'acme', await t.login('acme', 'admin@acme.test'));
    agent = clientFor(t, 'acme', await t.login('acme', 'agent@acme.test'));
    t.app.get(WebhookDispatcher).observe((item) => outcomes.push(item));
  });

  beforeEach(async () => {
    outcomes = [];
    receiver = new WebhookReceiver();
    await receiver.start();
  });

  afterEach(async () => {
    await receiver.stop();
  });

  afterAll(async () => {
    await t.close();
  });

  it('shows the secret only at creation', async () => {
    const body = { url: receiver.url, events: ['ticket.created'] };
    const created = await admin('post', '/api/v1/webhooks').send(body).expect(201);
    expect(created.body.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(created.headers.location).toBe(`/api/v1/webhooks/${created.body.id}`);
    const listed = await admin('get', '/api/v1/webhooks').expect(200);
    const row = listed.body.data.find((item: { id: string }) => item.id === created.body.id);
    expect(row).toMatchObject({ url: receiver.url, events: ['ticket.created'] });
    expect(row.secret).toBeUndefined();
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    await admin('delete', `/api/v1/webhooks/${created.body.id}`).expect(204);
  });

  it('stores the secret encrypted', async () => {
    const webhook = await createWebhook(['ticket.created']);
    const writer = t.app.get(DatabaseRouter).catalog().writer;
    const [row] = (await writer.query('SELECT secret FROM webhooks WHERE id = ?', [webhook.id])) as Array<{ secret: string }>;
    expect(row!.secret).not.toContain(webhook.secret);
    await admin('delete', `/api/v1/webhooks/${webhook.id}`).expect(204);
  });

  it('signs every event with HMAC-SHA256', async () => {
    const webhook = await createWebhook();
    const ticket = (await agent('post', '/api/v1/tickets').send(itTicket('Webhook ticket')).expect(201)).body;
    await receiver.received(1);
    await agent('post', `/api/v1/tickets/${ticket.id}/transitions`).send({ to: 'IN_PROGRESS' }).expect(200);
    await receiver.received(2);
    await agent('post', `/api/v1/tickets/${ticket.id}/assignment`).send({ assigneeId: agentId }).expect(200);
    await receiver.received(3);
    await agent('post', `/api/v1/tickets/${ticket.id}/comments`).send({ body: 'On it' }).expect(201);
    await receiver.received(4);

    const types = receiver.requests.map((request) => request.headers['x-masala-event']);
    expect(types).toEqual(ALL_EVENTS);
    for (const request of receiver.requests) {
      const expected = createHmac('sha256', webhook.secret).update(request.body).digest('hex');
      expect(request.headers['x-masala-signature']).toBe(`sha256=${expected}`);
      expect(request.headers['content-type']).toBe('application/json');
      const payload = JSON.parse(request.body);
      expect(payload.data.ticket.id).toBe(ticket.id);
      expect(payload.type).toBe(request.headers['x-masala-event']);
      expect(request.body).not.toContain('Webhook ticket');
    }
    const transition = JSON.parse(receiver.requests[1]!.body);
    expect(transition.data).toMatchObject({ from: 'NEW', to: 'IN_PROGRESS' });
    const assignment = JSON.parse(receiver.requests[2]!.body);
    expect(assignment.data).toMatchObject({ previousAssigneeId: null, assigneeId: agentId });
    await admin('delete', `/api/v1/webhooks/${webhook.id}`).expect(204);
  });

  it('sends only subscribed events', async () => {
    const webhook = await createWebhook(['ticket.transitioned']);
    const ticket = (await agent('post', '/api/v1/tickets').send(itTicket('Only transitions')).expect(201)).body;
    await agent('post', `/api/v1/tickets/${ticket.id}/transitions`).send({ to: 'IN_PROGRESS' }).expect(200);
    await receiver.received(1);
    await outcome((item) => item.webhookId === webhook.id && item.status === 'delivered');
    expect(receiver.requests.map((request) => request.headers['x-masala-event'])).toEqual(['ticket.transitioned']);
    await admin('delete', `/api/v1/webhooks/${webhook.id}`).expect(204);
  });

  it('never sends internal notes', async () => {
    const webhook = await createWebhook(['ticket.commented']);
    const ticket = (await agent('post', '/api/v1/tickets').send(itTicket('Quiet')).expect(201)).body;
    await agent('post', `/api/v1/tickets/${ticket.id}/comments`).send({ body: 'secret note', internal: true }).expect(201);
    await agent('post', `/api/v1/tickets/${ticket.id}/comments`).send({ body: 'public reply' }).expect(201);
    await receiver.received(1);
    await outcome((item) => item.webhookId === webhook.id && item.status === 'delivered');
    const deliveries = await admin('get', `/api/v1/webhooks/${webhook.id}/deliveries`).expect(200);
    expect(deliveries.body.data).toHaveLength(1);
    expect(receiver.requests).toHaveLength(1);
    await admin('delete', `/api/v1/webhooks/${webhook.id}`).expect(204);
  });

  it('retries with backoff until delivered', async () => {
    const webhook = await createWebhook(['ticket.created']);
    receiver.reply({ status: 503 }, { status: 500 });
    await agent('post', '/api/v1/tickets').send(itTicket('Flaky receiver')).expect(201);
    const delivered = await outcome((item) => item.webhookId === webhook.id && item.status === 'delivered');
    expect(delivered.attempt).toBe(3);
    expect(receiver.requests).toHaveLength(3);
    const ids = new Set(receiver.requests.map((request) => request.headers['x-masala-delivery']));
    expect(ids.size).toBe(1);
    const deliveries = await admin('get', `/api/v1/webhooks/${webhook.id}/deliveries`).expect(200);
    expect(deliveries.body.data[0]).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 204 });
    await admin('delete', `/api/v1/webhooks/${webhook.id}`).expect(204);
  });

  it('gives up after the maximum attempts', async () => {
    const webhook = await createWebhook(['ticket.created']);
    receiver.reply({ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });
    await agent('post', '/api/v1/tickets').send(itTicket('Broken receiver')).expect(201);
    const failed = await outcome((item) => item.webhookId === webhook.id && item.status === 'failed');
    expect(failed.attempt).toBe(3);
    expect(failed.statusCode).toBe(500);
    const deliveries = await admin('get', `/api/v1/webhooks/${webhook.id}/deliveries`).expect(200);
    expect(deliveries.body.data[0]).toMatchObject({ status: 'failed', attempts: 3, nextAttemptAt: null });
    await admin('delete', `/api/v1/webhooks/${webhook.id}`).expect(204);
  });

  it('does not follow redirects', async () => {
    const webhook = await createWebhook(['ticket.created']);
    receiver.reply({ status: 302, headers: { Location: 'http://169.254.169.254/latest/meta-data/' } });
    await agent('post', '/api/v1/tickets').send(itTicket('Redirecting receiver')).expect(201);
    const failed = await outcome((item) => item.webhookId === webhook.id && item.status === 'failed');
    expect(failed.attempt).toBe(1);
    expect(failed.error).toContain('redirect');
    expect(receiver.requests).toHaveLength(1);
    await admin('delete', `/api/v1/webhooks/${webhook.id}`).expect(204);
  });

  it('rolls back with the change', async () => {
    const webhook = await createWebhook(['ticket.transitioned']);
    const ticket = (await agent('post', '/api/v1/tickets').send(itTicket('Refused move')).expect(201)).body;
    await agent('post', `/api/v1/tickets/${ticket.id}/transitions`).send({ to: 'RESOLVED' }).expect(409);
    const deliveries = await admin('get', `/api/v1/webhooks/${webhook.id}/deliveries`).expect(200);
    expect(deliveries.body.data).toHaveLength(0);
    await admin('delete', `/api/v1/webhooks/${webhook.id}`).expect(204);
  });

  it('validates the body', async () => {
    const post = (body: object) => admin('post', '/api/v1/webhooks').send(body);
    const created = ['ticket.created'];
    const bad = await post({ url: 'ftp://example.org/x', events: created }).expect(400);
    expect(bad.body.errors[0].field).toBe('url');
    const credentials = await post({ url: 'http://user:pw@127.0.0.1/x', events: created }).expect(400);
    expect(credentials.body.errors[0].message).toContain('password');
    const events = await post({ url: receiver.url, events: ['ticket.exploded'] }).expect(400);
    expect(events.body.errors[0].field).toMatch(/^events/);
    await post({ url: receiver.url, events: [] }).expect(400);
    await post({ url: receiver.url, events: created, secret: 'mine' }).expect(400);
  });

  it('is for Admins only', async () => {
    await agent('get', '/api/v1/webhooks').expect(403);
    await agent('post', '/api/v1/webhooks').send({ url: receiver.url, events: ['ticket.created'] }).expect(403);
  });

  it('audits creation and deletion', async () => {
    const webhook = await createWebhook(['ticket.created']);
    await admin('delete', `/api/v1/webhooks/${webhook.id}`).expect(204);
    await admin('delete', `/api/v1/webhooks/${webhook.id}`).expect(404);
    const entries = await auditOf(admin, webhook.id);
    expect(entries.map((entry) => entry.action)).toEqual(['webhook.created', 'webhook.deleted']);
    expect(JSON.stringify(entries)).not.toContain(webhook.secret);
  });
});
