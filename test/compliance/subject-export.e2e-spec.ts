import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Tenant } from '#tenancy';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { as, createPerson, idsIn, seedTickets } from './compliance-support.js';

type Sections = Record<string, Record<string, Array<Record<string, unknown>>>>;

interface ExportDocument {
  schemaVersion: string;
  generatedAt: string;
  tenant: { id: string; slug: string; name: string };
  jurisdiction: string;
  subject: { id: string };
  data: Sections;
}

describe('data-subject export', () => {
  let t: TestApp;
  let acme: Tenant;
  let annId: string;
  let bobId: string;
  let globexUserId: string;
  let ann: ReturnType<typeof as>;
  let bob: ReturnType<typeof as>;
  let agent: ReturnType<typeof as>;
  let officer: ReturnType<typeof as>;
  const annTickets: string[] = [];
  const annComments: string[] = [];
  const annConsents: string[] = [];
  const annAttachments: string[] = [];
  const bobRecords: string[] = [];

  const createTicket = async (client: ReturnType<typeof as>, title: string, system: string) => {
    const response = await client
      .post('/api/v1/tickets')
      .send({
        title,
        description: `${title}, reported from home`,
        customFields: { urgency: 'High', os_version: system },
      })
      .expect(201);
    return response.body.id as string;
  };
  const comment = async (client: ReturnType<typeof as>, ticketId: string, body: string) => {
    const response = await client
      .post(`/api/v1/tickets/${ticketId}/comments`)
      .send({ body })
      .expect(201);
    return response.body.id as string;
  };
  const consent = async (client: ReturnType<typeof as>, purpose: string, granted: boolean) => {
    const response = await client
      .post('/api/v1/compliance/consents')
      .send({ purpose, granted, policyVersion: 'v1' })
      .expect(201);
    return response.body.id as string;
  };

  beforeAll(async () => {
    t = await startTestApp();
    acme = await t.createTenant('acme', { jurisdiction: 'BE' });
    const globex = await t.createTenant('globex');
    annId = await createPerson(t, acme, 'ann.smith@acme.test', 'Ann Smith', ['Customer']);
    bobId = await createPerson(t, acme, 'bob.jones@acme.test', 'Bob Jones', ['Customer']);
    await createPerson(t, acme, 'agent@acme.test', 'Alex Agent', ['Employee']);
    await createPerson(t, acme, 'officer@acme.test', 'Olga Officer', ['ComplianceOfficer']);
    globexUserId = await createPerson(t, globex, 'gina@globex.test', 'Gina', ['Customer']);
    ann = as(t, 'acme', await t.login('acme', 'ann.smith@acme.test'));
    bob = as(t, 'acme', await t.login('acme', 'bob.jones@acme.test'));
    agent = as(t, 'acme', await t.login('acme', 'agent@acme.test'));
    officer = as(t, 'acme', await t.login('acme', 'officer@acme.test'));

    for (const title of ['VPN down', 'Printer jam', 'Mail bounce']) {
      annTickets.push(await createTicket(ann, title, 'Windows 11'));
    }
    annComments.push(await comment(ann, annTickets[0]!, 'Still broken this morning'));
    annComments.push(await comment(ann, annTickets[1]!, 'Paper tray two'));
    const upload = await ann
      .post(`/api/v1/tickets/${annTickets[0]}/attachments`)
      .attach('file', Buffer.from('error log'), 'vpn.log')
      .expect(201);
    annAttachments.push(upload.body.id as string);
    await comment(agent, annTickets[0]!, 'Looking into it');
    const note = await agent
      .post(`/api/v1/tickets/${annTickets[0]}/comments`)
      .send({ body: 'Internal: suspect her laptop, do not tell yet', internal: true })
      .expect(201);
    await agent
      .patch(`/api/v1/tickets/${annTickets[0]}/comments/${note.body.id}`)
      .send({ body: 'Internal: suspect her laptop, edited' })
      .expect(200);
    annConsents.push(await consent(ann, 'marketing_emails', true));
    annConsents.push(await consent(ann, 'marketing_emails', false));

    const bobTicket = await createTicket(bob, 'Screen flickers', 'macOS');
    bobRecords.push(bobTicket, await comment(bob, bobTicket, 'Only on battery'));
    bobRecords.push(await consent(bob, 'notification_emails', true));
  });

  afterAll(async () => {
    await t.close();
  });

  const exportOf = async (subjectId: string) => {
    const response = await officer
      .get(`/api/v1/compliance/subjects/${subjectId}/export`)
      .expect(200);
    return { response, document: JSON.parse(response.text) as ExportDocument };
  };

  it('describes the document, the tenant and its jurisdiction', async () => {
    const { response, document } = await exportOf(annId);
    expect(response.headers['content-type']).toContain('application/json');
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="subject-${annId}.json"`,
    );
    expect(document.schemaVersion).toBe('1.0');
    expect(Number.isNaN(Date.parse(document.generatedAt))).toBe(false);
    expect(document.tenant).toEqual({ id: acme.id, slug: 'acme', name: acme.name });
    expect(document.jurisdiction).toBe('BE');
    expect(document.subject).toEqual({ id: annId });
  });

  it('contains the profile, tickets, comments and consents once each', async () => {
    const { document } = await exportOf(annId);
    const { identity, tickets, compliance } = document.data;
    expect(identity?.profile).toEqual([
      expect.objectContaining({
        id: annId,
        email: 'ann.smith@acme.test',
        displayName: 'Ann Smith',
      }),
    ]);
    expect(tickets?.tickets?.map((ticket) => ticket.id).sort()).toEqual([...annTickets].sort());
    expect(tickets?.comments?.map((item) => item.id).sort()).toEqual([...annComments].sort());
    expect(compliance?.consents?.map((item) => item.id)).toEqual(annConsents);
    expect(tickets?.attachments?.map((item) => item.id)).toEqual(annAttachments);
    expect(tickets?.attachments?.[0]).toEqual(
      expect.objectContaining({
        fileName: 'vpn.log',
        download: `/api/v1/tickets/${annTickets[0]}/attachments/${annAttachments[0]}`,
      }),
    );

    const ids = idsIn(document);
    for (const id of [...annTickets, ...annComments, ...annConsents, ...annAttachments]) {
      expect(ids.filter((candidate) => candidate === id)).toHaveLength(1);
    }
  });

  it('includes custom field values with each ticket', async () => {
    const { document } = await exportOf(annId);
    for (const ticket of document.data.tickets?.tickets ?? []) {
      expect(ticket.customFields).toEqual({ urgency: 'High', os_version: 'Windows 11' });
    }
  });

  it('includes the audit entries about the subject', async () => {
    const { document } = await exportOf(annId);
    const actions = (document.data.audit?.entries ?? []).map((entry) => entry.action);
    expect(actions).toEqual(
      expect.arrayContaining(['user.created', 'ticket.created', 'consent.given']),
    );
    expect(actions.filter((action) => action === 'ticket.created')).toHaveLength(annTickets.length);
  });

  it('leaves out staff internal notes', async () => {
    const { response } = await exportOf(annId);
    expect(response.text).not.toContain('suspect her laptop');
  });

  it("contains nothing of another subject's records", async () => {
    const { response } = await exportOf(annId);
    for (const id of bobRecords) expect(response.text).not.toContain(id);
    expect(response.text).not.toContain('bob.jones@acme.test');
    expect(response.text).not.toContain('Screen flickers');
    expect(response.text).not.toContain('Only on battery');
  });

  it('streams a large export in chunks', async () => {
    const carlaId = await createPerson(t, acme, 'carla@acme.test', 'Carla Bruni', ['Customer']);
    const count = 3000;
    await seedTickets(t, acme, carlaId, count, (index) => ({
      title: `Request ${index}`,
      description: 'z'.repeat(200),
      customFields: { urgency: 'Low' },
    }));

    const response = await officer
      .get(`/api/v1/compliance/subjects/${carlaId}/export`)
      .buffer(true)
      .parse((stream, done) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => done(null, chunks));
      })
      .expect(200);

    const chunks = response.body as Buffer[];
    expect(response.headers['transfer-encoding']).toBe('chunked');
    expect(response.headers['content-length']).toBeUndefined();
    expect(chunks.length).toBeGreaterThan(10);
    const document = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ExportDocument;
    expect(document.data.tickets?.tickets).toHaveLength(count);
  });

  it('answers 404 for a user of another tenant, as for a missing one', async () => {
    const foreign = await officer
      .get(`/api/v1/compliance/subjects/${globexUserId}/export`)
      .expect(404);
    const missing = await officer
      .get(`/api/v1/compliance/subjects/${crypto.randomUUID()}/export`)
      .expect(404);
    const malformed = await officer
      .get('/api/v1/compliance/subjects/not-a-uuid/export')
      .expect(404);
    expect(foreign.body.detail).toBe(missing.body.detail);
    expect(malformed.body.detail).toBe(missing.body.detail);
    expect(foreign.headers['content-type']).toContain('application/problem+json');
  });

  it('requires the compliance.export permission', async () => {
    await ann.get(`/api/v1/compliance/subjects/${annId}/export`).expect(403);
    await agent.get(`/api/v1/compliance/subjects/${annId}/export`).expect(403);
  });

  it('records subject.exported in the audit trail', async () => {
    await exportOf(bobId);
    const admin = await createPerson(t, acme, 'admin@acme.test', 'Ada Admin', ['Admin']);
    expect(admin).toBeDefined();
    const adminClient = as(t, 'acme', await t.login('acme', 'admin@acme.test'));
    const response = await adminClient
      .get(`/api/v1/audit?action=subject.exported&entityId=${bobId}`)
      .expect(200);
    expect(response.body.data).toHaveLength(1);
    expect(response.body.data[0].newValues).toEqual(
      expect.objectContaining({ schemaVersion: '1.0' }),
    );
  });
});
