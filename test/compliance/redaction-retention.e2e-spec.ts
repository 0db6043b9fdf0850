import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FieldEncryption } from '#kernel';
import type { Tenant } from '#tenancy';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { as, createPerson, seedTickets, updateTenantSettings } from './compliance-support.js';

const PERSONAL_TEXT =
  'Jan (jan.peeters@example.be, 0470 12 34 56) paid with 4111 1111 1111 1111 from BE68 5390 0754 7034.';
const DAY = 24 * 60 * 60 * 1000;

describe('ticket redaction', () => {
  let t: TestApp;
  let officer: ReturnType<typeof as>;
  let agent: ReturnType<typeof as>;
  let admin: ReturnType<typeof as>;
  let ticketId: string;
  let report: Record<string, unknown>;
  /** Entries of the decrypted value cache just before and just after the redaction. */
  const cachedValues = { before: 0, after: 0 };
  let globex: Tenant;

  beforeAll(async () => {
    t = await startTestApp();
    const acme = await t.createTenant('acme');
    globex = await t.createTenant('globex');
    await createPerson(t, acme, 'officer@acme.test', 'Olga Officer', ['ComplianceOfficer']);
    await createPerson(t, acme, 'agent@acme.test', 'Alex Agent', ['Employee']);
    await createPerson(t, acme, 'admin@acme.test', 'Ada Admin', ['Admin']);
    officer = as(t, 'acme', await t.login('acme', 'officer@acme.test'));
    agent = as(t, 'acme', await t.login('acme', 'agent@acme.test'));
    admin = as(t, 'acme', await t.login('acme', 'admin@acme.test'));

    const created = await agent
      .post('/api/v1/tickets')
      .send({
        title: 'Refund',
        description: PERSONAL_TEXT,
        customFields: { urgency: 'Low', os_version: 'RRN 85.07.30-033.28' },
      })
      .expect(201);
    ticketId = created.body.id as string;
    await agent
      .post(`/api/v1/tickets/${ticketId}/comments`)
      .send({ body: 'Card again: 4111-1111-1111-1111' })
      .expect(201);
    await agent.get(`/api/v1/tickets/${ticketId}`).expect(200);
    const encryption = t.app.get(FieldEncryption);
    cachedValues.before = encryption.plaintextCacheUsage.entries;
    const response = await officer.post(`/api/v1/tickets/${ticketId}/redactions`).expect(200);
    cachedValues.after = encryption.plaintextCacheUsage.entries;
    report = response.body as Record<string, unknown>;
  });

  it('empties the decrypted value cache', () => {
    expect(cachedValues.before).toBeGreaterThan(0);
    expect(cachedValues.after).toBe(0);
  });

  afterAll(async () => {
    await t.close();
  });

  it('replaces every detected identifier in the ticket and its comments', async () => {
    const ticket = await agent.get(`/api/v1/tickets/${ticketId}`).expect(200);
    expect(ticket.body.description).toBe('Jan ([email], [phone]) paid with [card] from [iban].');
    expect(ticket.body.customFields.os_version).toBe('RRN [national-number]');
    const comments = await agent.get(`/api/v1/tickets/${ticketId}/comments`).expect(200);
    expect(comments.text).not.toContain('4111');
    expect(comments.body.data[0].body).toBe('Card again: [card]');
  });

  it('reports the replacements by kind and field', () => {
    const replacements = report.replacements as Record<string, Record<string, number>>;
    expect(replacements.tickets).toEqual({
      email: 1,
      phone: 1,
      iban: 1,
      payment_card: 2,
      be_national_number: 1,
    });
    expect(replacements.audit?.payment_card).toBeGreaterThanOrEqual(2);
    const fields = report.fields as Record<string, Record<string, number>>;
    expect(fields.tickets).toEqual(
      expect.objectContaining({
        'tickets.description': 1,
        'tickets.custom_fields': 1,
        'ticket_comments.body': 1,
      }),
    );
    expect(fields.audit?.['audit_log_entries.rewritten']).toBeGreaterThanOrEqual(2);
  });

  it('rewrites the audit copies and keeps the chain valid', async () => {
    const entries = await admin.get(`/api/v1/audit?limit=100`).expect(200);
    expect(entries.text).not.toContain('4111');
    expect(entries.text).not.toContain('jan.peeters@example.be');
    const redacted = (entries.body.data as Array<{ action: string; entityId: string }>).filter(
      (entry) => entry.action === 'ticket.redacted',
    );
    expect(redacted.map((entry) => entry.entityId)).toEqual([ticketId]);
    const verify = await admin.get('/api/v1/audit/verify').expect(200);
    expect(verify.body.valid).toBe(true);
  });

  it('answers 404 for a missing ticket or an unparseable id', async () => {
    await officer.post(`/api/v1/tickets/${crypto.randomUUID()}/redactions`).expect(404);
    await officer.post('/api/v1/tickets/not-a-ticket/redactions').expect(404);
  });

  it('answers 404 for a ticket of another tenant', async () => {
    await createPerson(t, globex, 'officer@globex.test', 'Otto Officer', ['ComplianceOfficer']);
    const foreign = as(t, 'globex', await t.login('globex', 'officer@globex.test'));
    await foreign.post(`/api/v1/tickets/${ticketId}/redactions`).expect(404);
  });

  it('requires the compliance.erase permission', async () => {
    await agent.post(`/api/v1/tickets/${ticketId}/redactions`).expect(403);
  });
});

describe('retention of closed tickets', () => {
  let t: TestApp;
  let acme: Tenant;
  let officer: ReturnType<typeof as>;
  let agent: ReturnType<typeof as>;
  let customerId: string;
  let gardenTicketId: string;
  let attachmentId: string;
  const now = Date.now();

  beforeAll(async () => {
    t = await startTestApp();
    acme = await t.createTenant('acme');
    customerId = await createPerson(t, acme, 'cara@acme.test', 'Cara Client', ['Customer']);
    await createPerson(t, acme, 'officer@acme.test', 'Olga Officer', ['ComplianceOfficer']);
    await createPerson(t, acme, 'agent@acme.test', 'Alex Agent', ['Employee']);
    officer = as(t, 'acme', await t.login('acme', 'officer@acme.test'));
    agent = as(t, 'acme', await t.login('acme', 'agent@acme.test'));

    const closed = (daysAgo: number) => new Date(now - daysAgo * DAY);
    await seedTickets(t, acme, customerId, 3, (index) => ({
      title: `Old IT ${index}`,
      description: 'Cara called about her laptop',
      status: 'CLOSED',
      resolvedAt: closed(400),
    }));
    await seedTickets(t, acme, customerId, 2, (index) => ({
      title: `Recent IT ${index}`,
      status: 'CLOSED',
      resolvedAt: closed(10),
    }));
    await seedTickets(t, acme, customerId, 2, (index) => ({ title: `Open IT ${index}` }));
    await seedTickets(t, acme, customerId, 4, (index) => ({
      title: `Old garden ${index}`,
      domainId: 'Gardening',
      typeCode: 'SCHEDULED_MAINTENANCE',
      status: 'COMPLETED',
      resolvedAt: closed(100),
    }));
    const garden = await agent.get('/api/v1/tickets?domainId=Gardening&limit=1').expect(200);
    gardenTicketId = garden.body.data[0].id as string;
    const upload = await agent
      .post(`/api/v1/tickets/${gardenTicketId}/attachments`)
      .attach('file', Buffer.from('Photo of the hedge'), 'hedge.txt')
      .expect(201);
    attachmentId = upload.body.id as string;
    await updateTenantSettings(t, acme, {
      retentionDays: 365,
      retentionRules: [{ domainId: 'Gardening', days: 30, action: 'purge' }],
    });
  });

  afterAll(async () => {
    await t.close();
  });

  const titles = async () => {
    const response = await agent.get('/api/v1/tickets?limit=100').expect(200);
    return (response.body.data as Array<{ title: string }>).map((ticket) => ticket.title).sort();
  };

  it('reports expired tickets in a dry run and changes nothing', async () => {
    const before = await titles();
    const response = await officer
      .post('/api/v1/compliance/retention/runs')
      .send({ dryRun: true })
      .expect(200);
    expect(response.body.dryRun).toBe(true);
    expect(response.body.expired).toEqual({
      tickets: { IT: { anonymise: 3, purge: 0 }, Gardening: { anonymise: 0, purge: 4 } },
    });
    expect(response.body.sample).toHaveLength(7);
    expect(response.body.applied).toEqual({});
    expect(await titles()).toEqual(before);
  });

  it('anonymises and purges the expired tickets in a real run', async () => {
    await titles();
    const encryption = t.app.get(FieldEncryption);
    expect(encryption.plaintextCacheUsage.entries).toBeGreaterThan(0);
    const response = await officer
      .post('/api/v1/compliance/retention/runs')
      .send({ dryRun: false })
      .expect(200);
    expect(encryption.plaintextCacheUsage.entries).toBe(0);
    expect(response.body.applied.tickets).toEqual(
      expect.objectContaining({
        'tickets.anonymised': 3,
        'tickets.purged': 4,
        'ticket_attachments.deleted': 1,
        'attachment_files.shredded': 1,
      }),
    );
    await agent.get(`/api/v1/tickets/${gardenTicketId}`).expect(404);
    expect(existsSync(join(t.dataDir, 'attachments', acme.id, `${attachmentId}.bin`))).toBe(false);
    const remaining = await titles();
    expect(remaining.filter((title) => title.startsWith('Old garden'))).toEqual([]);
    expect(remaining.filter((title) => title === '[anonymised]')).toHaveLength(3);
    expect(
      remaining.filter((title) => title.startsWith('Recent') || title.startsWith('Open')),
    ).toHaveLength(4);
  });

  it('finds nothing left to do on a second run', async () => {
    const response = await officer
      .post('/api/v1/compliance/retention/runs')
      .send({ dryRun: true })
      .expect(200);
    expect(response.body.expired).toEqual({});
  });

  it('rejects an invalid rule setting with 400', async () => {
    await updateTenantSettings(t, acme, {
      retentionRules: [{ domainId: 'IT', days: -1, action: 'purge' }],
    });
    const response = await officer
      .post('/api/v1/compliance/retention/runs')
      .send({ dryRun: true })
      .expect(400);
    expect(response.body.errors[0].field).toBe('settings.retentionRules');
  });

  it('rejects a body without dryRun', async () => {
    const response = await officer.post('/api/v1/compliance/retention/runs').send({}).expect(400);
    expect(response.body.errors[0].field).toBe('dryRun');
  });
});
