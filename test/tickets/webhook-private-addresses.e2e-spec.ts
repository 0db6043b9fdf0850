import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TenantDatabase } from '#kernel';
import type { Tenant } from '#tenancy';
import { Webhook, WebhookDispatcher, type DeliveryOutcome } from '#tickets';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { clientFor, itTicket, type Client } from './tickets-support.js';
import { WebhookReceiver } from './webhook-receiver.js';

describe('webhooks to private addresses with the default setting', () => {
  let t: TestApp;
  let acme: Tenant;
  let admin: Client;
  let agent: Client;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    t = await startTestApp();
    acme = await t.createTenant('acme');
    await t.createUser(acme, 'admin@acme.test', ['Admin']);
    await t.createUser(acme, 'agent@acme.test', ['Employee']);
    admin = clientFor(t, 'acme', await t.login('acme', 'admin@acme.test'));
    agent = clientFor(t, 'acme', await t.login('acme', 'agent@acme.test'));
    receiver = new WebhookReceiver();
    await receiver.start();
  });

  afterAll(async () => {
    await receiver.stop();
    await t.close();
  });

  it.each([
    ['loopback', () => receiver.url],
    ['localhost', () => receiver.url.replace('127.0.0.1', 'localhost')],
    ['IPv6 loopback', () => 'http://[::1]:9/hook'],
    ['private network', () => 'https://10.0.0.5/hook'],
    ['metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
    ['IPv4-mapped loopback', () => 'http://[::ffff:127.0.0.1]/hook'],
    ['decimal loopback', () => 'http://2130706433/hook'],
  ])('rejects a %s URL at creation', async (_kind, url) => {
    const body = { url: url(), events: ['ticket.created'] };
    const response = await admin('post', '/api/v1/webhooks').send(body).expect(400);
    expect(response.body.errors[0]).toMatchObject({ field: 'url', rule: 'public_address' });
    expect(response.body.errors[0].message).toContain('MASALA_WEBHOOK_ALLOW_PRIVATE');
  });

  it('refuses a private address at delivery time', async () => {
    // A webhook whose host turned private after creation, as DNS rebinding makes it look.
    const webhookId = crypto.randomUUID();
    await t.app.get(TenantDatabase).write(acme.id, async (unitOfWork) => {
      const now = new Date();
      await unitOfWork.manager.insert(Webhook, {
        tenantId: acme.id,
        id: webhookId,
        url: receiver.url,
        events: ['ticket.created'],
        secret: 'rebinding-test-secret',
        createdBy: 'test',
        createdAt: now,
        updatedAt: now,
      });
    });
    const refused = new Promise<DeliveryOutcome>((resolve) => {
      const stop = t.app.get(WebhookDispatcher).observe((outcome) => {
        if (outcome.webhookId !== webhookId) return;
        stop();
        resolve(outcome);
      });
    });

    await agent('post', '/api/v1/tickets').send(itTicket('Rebound')).expect(201);
    const outcome = await refused;
    expect(outcome.status).toBe('failed');
    expect(outcome.attempt).toBe(1);
    expect(outcome.error).toContain('127.0.0.1');
    expect(receiver.requests).toHaveLength(0);
    const deliveries = await admin('get', `/api/v1/webhooks/${webhookId}/deliveries`).expect(200);
    expect(deliveries.body.data[0]).toMatchObject({ status: 'failed', attempts: 1 });
  });
});
