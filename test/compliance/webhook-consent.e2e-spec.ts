import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { WebhookReceiver } from '../tickets/webhook-receiver.js';
import { as, createPerson } from './compliance-support.js';

interface TicketPayload {
  type: string;
  data: { ticket: { id: string; requesterId: string | null } };
}

describe('consent for personal data in webhooks', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let customerId: string;
  let customer: ReturnType<typeof as>;

  /** Creates a ticket as the customer and returns the payload its webhook delivery carried. */
  const deliveredFor = async (title: string): Promise<TicketPayload> => {
    const before = receiver.requests.length;
    const ticket = await customer
      .post('/api/v1/tickets')
      .send({ title, description: 'x', customFields: { urgency: 'Low' } })
      .expect(201);
    await receiver.received(before + 1);
    const payloads = receiver.requests.map((request) => JSON.parse(request.body) as TicketPayload);
    const payload = payloads.find((item) => item.data.ticket.id === ticket.body.id);
    if (!payload) throw new Error(`no delivery for ticket ${ticket.body.id as string}`);
    return payload;
  };

  const decide = (granted: boolean) =>
    customer
      .post('/api/v1/compliance/consents')
      .send({ purpose: 'third_party_webhooks', granted, policyVersion: 'v1' })
      .expect(201);

  beforeAll(async () => {
    t = await startTestApp({
      MASALA_WEBHOOK_ALLOW_PRIVATE: 'true',
      MASALA_WEBHOOK_RETRY_BASE_MS: '10',
    });
    const acme = await t.createTenant('acme');
    await createPerson(t, acme, 'admin@acme.test', 'Ada Admin', ['Admin']);
    customerId = await createPerson(t, acme, 'cara@acme.test', 'Cara Client', ['Customer']);
    customer = as(t, 'acme', await t.login('acme', 'cara@acme.test'));
    receiver = new WebhookReceiver();
    await receiver.start();
    const admin = as(t, 'acme', await t.login('acme', 'admin@acme.test'));
    await admin
      .post('/api/v1/webhooks')
      .send({ url: receiver.url, events: ['ticket.created'] })
      .expect(201);
  });

  afterAll(async () => {
    await receiver.stop();
    await t.close();
  });

  it('leaves the requester out without consent', async () => {
    const payload = await deliveredFor('Before consent');
    expect(payload.type).toBe('ticket.created');
    expect(payload.data.ticket.requesterId).toBeNull();
  });

  it('names the requester once they consent', async () => {
    await decide(true);
    const payload = await deliveredFor('After consent');
    expect(payload.data.ticket.requesterId).toBe(customerId);
  });

  it('leaves the requester out again after a withdrawal', async () => {
    await decide(false);
    const payload = await deliveredFor('After withdrawal');
    expect(payload.data.ticket.requesterId).toBeNull();
  });
});
