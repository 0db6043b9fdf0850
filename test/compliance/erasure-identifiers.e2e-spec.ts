import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Tenant } from '#tenancy';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { as, createPerson } from './compliance-support.js';

type Client = ReturnType<typeof as>;

const PHONE = '+32 470 99 88 77';
const NICKNAME = 'Sammo';
const CUSTOMER_NUMBER = 'CUST-48213';

/** Audit entries of one entity as JSON text, read with an Admin token. */
async function auditText(admin: Client, entityId: string): Promise<string> {
  const response = await admin.get(`/api/v1/audit?entityId=${entityId}&limit=100`).expect(200);
  expect(response.body.data.length).toBeGreaterThan(0);
  return JSON.stringify(response.body.data);
}

describe('erasure identifiers from the request', () => {
  let t: TestApp;
  let acme: Tenant;
  let admin: Client;
  let agent: Client;
  let carl: Client;
  let officer: Client;
  let veraId: string;
  let samId: string;
  let eveId: string;
  const ids: Record<string, string> = {};
  const comments: Record<string, string> = {};

  const ticket = async (client: Client, title: string, description: string, extra = {}) => {
    const response = await client
      .post('/api/v1/tickets')
      .send({ title, description, customFields: { urgency: 'Low' }, ...extra })
      .expect(201);
    return response.body.id as string;
  };
  const comment = async (client: Client, ticketId: string, body: string) => {
    const response = await client
      .post(`/api/v1/tickets/${ticketId}/comments`)
      .send({ body })
      .expect(201);
    return response.body.id as string;
  };
  const commentBody = async (ticketId: string, commentId: string) => {
    const response = await agent.get(`/api/v1/tickets/${ticketId}/comments`).expect(200);
    const found = (response.body.data as Array<{ id: string; body: string }>).find(
      (item) => item.id === commentId,
    );
    return found?.body;
  };
  const erase = (subjectId: string, identifiers: string[]) =>
    officer.post(`/api/v1/compliance/subjects/${subjectId}/erasure`).send({ identifiers });

  beforeAll(async () => {
    t = await startTestApp();
    acme = await t.createTenant('acme');
    await createPerson(t, acme, 'admin@acme.test', 'Ada Admin', ['Admin']);
    await createPerson(t, acme, 'officer@acme.test', 'Olga Officer', ['ComplianceOfficer']);
    await createPerson(t, acme, 'agent@acme.test', 'Alex Agent', ['Employee']);
    await createPerson(t, acme, 'carl.client@acme.test', 'Carl Client', ['Customer']);
    veraId = await createPerson(t, acme, 'vera.victim@acme.test', 'Vera Victim', ['Customer']);
    samId = await createPerson(t, acme, 'sam.subject@acme.test', 'Sam Subject', ['Customer']);
    eveId = await createPerson(t, acme, 'eve.agent@acme.test', 'Eve Agent', ['Employee']);
    admin = as(t, 'acme', await t.login('acme', 'admin@acme.test'));
    officer = as(t, 'acme', await t.login('acme', 'officer@acme.test'));
    agent = as(t, 'acme', await t.login('acme', 'agent@acme.test'));
    carl = as(t, 'acme', await t.login('acme', 'carl.client@acme.test'));
    const sam = as(t, 'acme', await t.login('acme', 'sam.subject@acme.test'));
    const eve = as(t, 'acme', await t.login('acme', 'eve.agent@acme.test'));

    // Tickets that concern neither subject.
    ids.vpn = await ticket(admin, 'VPN down', 'The VPN drops every hour');
    ids.printer = await ticket(carl, 'Printer jammed', 'The printer on floor 2 jams again');
    ids.coffee = await ticket(admin, `${NICKNAME} coffee machine`, `The ${NICKNAME} machine leaks`);

    // Sam: a ticket they requested, with comments, and a ticket of Carl that names them.
    ids.invoice = await ticket(sam, 'Invoice question', `My customer number is ${CUSTOMER_NUMBER}`);
    comments.samOwn = await comment(sam, ids.invoice, `Thanks, ${NICKNAME}`);
    comments.agentOnInvoice = await comment(
      agent,
      ids.invoice,
      `Hi ${NICKNAME}, ${CUSTOMER_NUMBER} is on file`,
    );
    ids.deskMove = await ticket(carl, 'Desk move', `Sam Subject (${NICKNAME}) moves to floor 3`);

    // Eve: tickets assigned to her, watched by her, and a thread she commented on.
    ids.assigned = await ticket(admin, 'Phone setup', `Forward calls to ${PHONE}`, {
      assigneeId: eveId,
    });
    ids.watched = await ticket(admin, 'Escalation', `Escalate to ${PHONE}`, {
      watcherIds: [eveId],
    });
    ids.thread = await ticket(carl, 'Portal login fails', 'Cannot sign in');
    await comment(eve, ids.thread, 'Looking into it');
    comments.agentOnThread = await comment(agent, ids.thread, `Eve is reachable on ${PHONE}`);
  }, 120_000);

  afterAll(async () => {
    await t.close();
  });

  it('rejects short and common identifiers', async () => {
    const response = await erase(veraId, ['VPN', 'printer', '.....']).expect(400);
    expect(response.body.errors).toEqual([
      expect.objectContaining({ field: 'identifiers', rule: 'min_length' }),
      expect.objectContaining({ field: 'identifiers', rule: 'common_word' }),
      expect.objectContaining({ field: 'identifiers', rule: 'letter_or_digit' }),
    ]);
    expect(response.body.errors[0].message).toContain('identifiers[0]');
    expect(response.body.errors[1].message).toContain('identifiers[1]');

    const vera = await admin.get(`/api/v1/users/${veraId}`).expect(200);
    expect(vera.body.status).toBe('active');
    const vpn = await admin.get(`/api/v1/tickets/${ids.vpn}`).expect(200);
    expect(vpn.body.title).toBe('VPN down');
  });

  it('leaves records not linked to the subject alone', async () => {
    const response = await erase(veraId, ['VPN down', 'floor 2 jams']).expect(200);
    expect(response.body.identifiers).toEqual([
      { source: 'email', scope: 'tenant' },
      { source: 'display_name', scope: 'tenant' },
      { source: 'email_local_part', scope: 'tenant' },
      { source: 'request', position: 0, scope: 'linked_records' },
      { source: 'request', position: 1, scope: 'linked_records' },
    ]);
    expect(response.body.counts.tickets['tickets.linked']).toBe(0);
    expect(response.body.counts.tickets['tickets.title']).toBe(0);
    expect(response.body.counts.tickets['tickets.description']).toBe(0);
    expect(response.body.counts.audit['audit_log_entries.mentions_rewritten']).toBe(0);

    const vpn = await admin.get(`/api/v1/tickets/${ids.vpn}`).expect(200);
    expect(vpn.body.title).toBe('VPN down');
    const printer = await admin.get(`/api/v1/tickets/${ids.printer}`).expect(200);
    expect(printer.body.description).toBe('The printer on floor 2 jams again');
    expect(await auditText(admin, ids.vpn)).toContain('VPN down');
    expect(await auditText(admin, ids.printer)).toContain('floor 2 jams');

    const audited = await admin
      .get(`/api/v1/audit?action=subject.erased&entityId=${veraId}`)
      .expect(200);
    expect(audited.body.data[0].newValues.identifiers).toEqual(response.body.identifiers);
    expect(JSON.stringify(audited.body.data)).not.toContain('VPN down');
    const verify = await admin.get('/api/v1/audit/verify').expect(200);
    expect(verify.body.valid).toBe(true);
  });

  it('erases a nickname and number in linked records', async () => {
    const response = await erase(samId, [NICKNAME, CUSTOMER_NUMBER]).expect(200);
    expect(response.body.identifiers).toEqual([
      { source: 'email', scope: 'tenant' },
      { source: 'display_name', scope: 'tenant' },
      { source: 'email_local_part', scope: 'tenant' },
      { source: 'request', position: 0, scope: 'linked_records' },
      { source: 'request', position: 1, scope: 'linked_records' },
    ]);
    // The invoice ticket (requested) and the desk move (names Sam Subject).
    expect(response.body.counts.tickets['tickets.linked']).toBe(2);
    expect(response.body.counts.tickets['ticket_comments.linked']).toBe(2);

    const invoice = await agent.get(`/api/v1/tickets/${ids.invoice}`).expect(200);
    expect(invoice.body.description).toBe('My customer number is [erased]');
    expect(await commentBody(ids.invoice, comments.samOwn!)).toBe('[erased]');
    expect(await commentBody(ids.invoice, comments.agentOnInvoice!)).toBe(
      'Hi [erased], [erased] is on file',
    );
    const deskMove = await agent.get(`/api/v1/tickets/${ids.deskMove}`).expect(200);
    expect(deskMove.body.description).toBe('[erased] ([erased]) moves to floor 3');

    const coffee = await agent.get(`/api/v1/tickets/${ids.coffee}`).expect(200);
    expect(coffee.body.title).toBe(`${NICKNAME} coffee machine`);
    expect(await auditText(admin, ids.coffee)).toContain(`${NICKNAME} coffee machine`);
    for (const id of [ids.invoice!, ids.deskMove!, comments.agentOnInvoice!]) {
      const text = await auditText(admin, id);
      expect({ id, nickname: text.includes(NICKNAME) }).toEqual({ id, nickname: false });
      expect({ id, number: text.includes(CUSTOMER_NUMBER) }).toEqual({ id, number: false });
    }
  });

  it('erases a phone number where the subject works', async () => {
    const response = await erase(eveId, [PHONE, 'EVE.AGENT@acme.test']).expect(200);
    expect(response.body.identifiers).toEqual([
      { source: 'email', scope: 'tenant' },
      { source: 'display_name', scope: 'tenant' },
      { source: 'email_local_part', scope: 'tenant' },
      { source: 'request', position: 0, scope: 'linked_records' },
      { source: 'request', position: 1, scope: 'tenant' },
    ]);
    // Assigned, watched, and the thread she commented on.
    expect(response.body.counts.tickets['tickets.linked']).toBe(3);

    const assigned = await agent.get(`/api/v1/tickets/${ids.assigned}`).expect(200);
    expect(assigned.body.description).toBe('Forward calls to [erased]');
    const watched = await agent.get(`/api/v1/tickets/${ids.watched}`).expect(200);
    expect(watched.body.description).toBe('Escalate to [erased]');
    expect(await commentBody(ids.thread, comments.agentOnThread!)).toBe(
      'Eve is reachable on [erased]',
    );
    for (const id of [ids.assigned!, ids.watched!, comments.agentOnThread!]) {
      const text = await auditText(admin, id);
      expect({ id, phone: text.includes(PHONE) }).toEqual({ id, phone: false });
    }
    const verify = await admin.get('/api/v1/audit/verify').expect(200);
    expect(verify.body.valid).toBe(true);
  });
});
