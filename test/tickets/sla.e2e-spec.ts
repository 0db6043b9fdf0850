import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { clientFor, type Client } from './tickets-support.js';

/** A domain whose escalation rule reads days_until_breach, as workflow rules do. */
const DOMAINS = `
domains:
  Support:
    display_name: "Support"
    work_item_types:
      - code: QUESTION
        name: "Question"
        default_sla_days: 2
      - code: OUTAGE
        name: "Outage"
        default_sla_days: 0.5
    workflow:
      states:
        - { code: NEW, name: "New" }
        - { code: ESCALATED, name: "Escalated" }
        - { code: DONE, name: "Done" }
      transitions:
        NEW: [ESCALATED, DONE]
        ESCALATED: [NEW, DONE]
        DONE: [NEW]
      transition_rules:
        - from: NEW
          to: ESCALATED
          conditions:
            - { field: days_until_breach, operator: '<=', value: 0 }
`;

type TicketBody = { id: string; version: number; dueAt: string; createdAt: string; breached: boolean; daysUntilBreach: number | null };

describe('SLA: due dates, breach flag and overdue tickets', () => {
  let t: TestApp;
  let configDir: string;
  let agent: Client;

  const create = async (typeCode: string) =>
    (await agent('post', '/api/v1/tickets').send({ title: `A ${typeCode}`, description: 'x', typeCode }).expect(201)).body as TicketBody;
  const setDue = async (ticket: TicketBody, dueAt: string) =>
    (await agent('patch', `/api/v1/tickets/${ticket.id}`).set('If-Match', `"${ticket.version}"`).send({ dueAt }).expect(200))
      .body as TicketBody;
  const yesterday = () => new Date(Date.now() - 86_400_000).toISOString();

  beforeAll(async () => {
    configDir = mkdtempSync(join(tmpdir(), 'masala-sla-'));
    writeFileSync(join(configDir, 'masala_domains.yaml'), DOMAINS);
    t = await startTestApp({ MASALA_CONFIG_PATH: configDir });
    const acme = await t.createTenant('acme');
    await t.createUser(acme, 'agent@acme.test', ['Employee']);
    agent = clientFor(t, 'acme', await t.login('acme', 'agent@acme.test'));
  });

  afterAll(async () => {
    await t.close();
    rmSync(configDir, { recursive: true, force: true });
  });

  it('sets the due date from the type SLA', async () => {
    const question = await create('QUESTION');
    const outage = await create('OUTAGE');
    const days = (ticket: TicketBody) => (Date.parse(ticket.dueAt) - Date.parse(ticket.createdAt)) / 86_400_000;
    expect(days(question)).toBeCloseTo(2, 6);
    expect(days(outage)).toBeCloseTo(0.5, 6);
    expect(question.breached).toBe(false);
    expect(question.daysUntilBreach).toBeCloseTo(2, 2);
  });

  it('flags a breach and lists overdue tickets', async () => {
    const late = await setDue(await create('QUESTION'), yesterday());
    const onTime = await create('QUESTION');
    expect(late.breached).toBe(true);
    expect(late.daysUntilBreach).toBeLessThan(-0.99);

    const overdue = await agent('get', '/api/v1/tickets?overdue=true').expect(200);
    const overdueIds = overdue.body.data.map((ticket: TicketBody) => ticket.id);
    expect(overdueIds).toContain(late.id);
    expect(overdueIds).not.toContain(onTime.id);
    const notOverdue = await agent('get', '/api/v1/tickets?overdue=false&limit=100').expect(200);
    expect(notOverdue.body.data.map((ticket: TicketBody) => ticket.id)).not.toContain(late.id);
  });

  it('keeps the breach after late resolution', async () => {
    const late = await setDue(await create('QUESTION'), yesterday());
    const done = await agent('post', `/api/v1/tickets/${late.id}/transitions`).send({ to: 'DONE' }).expect(200);
    expect(done.body.breached).toBe(true);
    expect(done.body.daysUntilBreach).toBeNull();
    expect(done.body.resolvedAt).not.toBeNull();
    const overdue = await agent('get', '/api/v1/tickets?overdue=true').expect(200);
    expect(overdue.body.data.map((ticket: TicketBody) => ticket.id)).not.toContain(late.id);

    const reopened = await agent('post', `/api/v1/tickets/${late.id}/transitions`).send({ to: 'NEW' }).expect(200);
    expect(reopened.body.resolvedAt).toBeNull();
    const again = await agent('get', '/api/v1/tickets?overdue=true').expect(200);
    expect(again.body.data.map((ticket: TicketBody) => ticket.id)).toContain(late.id);
  });

  it('lets rules read days_until_breach', async () => {
    const ticket = await create('QUESTION');
    const refused = await agent('post', `/api/v1/tickets/${ticket.id}/transitions`).send({ to: 'ESCALATED' }).expect(409);
    expect(refused.body.failedConditions[0]).toContain('days_until_breach');
    const late = await setDue(ticket, yesterday());
    await agent('post', `/api/v1/tickets/${late.id}/transitions`).send({ to: 'ESCALATED' }).expect(200);
  });

  it('clears the due date with null', async () => {
    const ticket = await setDue(await create('QUESTION'), yesterday());
    const cleared = await agent('patch', `/api/v1/tickets/${ticket.id}`).set('If-Match', `"${ticket.version}"`).send({ dueAt: null }).expect(200);
    expect(cleared.body.dueAt).toBeNull();
    expect(cleared.body.breached).toBe(false);
    expect(cleared.body.daysUntilBreach).toBeNull();
  });
});
