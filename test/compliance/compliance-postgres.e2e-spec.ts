import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Tenant } from '#tenancy';
import {
  createTestDatabase,
  ensurePostgres,
  logSkip,
  type TestDatabase,
} from '../postgres/support/postgres.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { as, createPerson } from './compliance-support.js';

const postgres = await ensurePostgres();
if (!postgres.available) logSkip('compliance on PostgreSQL', postgres.reason);
const describePostgres = postgres.available ? describe : describe.skip;

describePostgres('compliance on PostgreSQL', () => {
  let database: TestDatabase;
  let t: TestApp;
  let acme: Tenant;
  let annId: string;
  let ann: ReturnType<typeof as>;
  let officer: ReturnType<typeof as>;
  let agent: ReturnType<typeof as>;
  let ticketId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    t = await startTestApp(database.env);
    acme = await t.createTenant('acme');
    annId = await createPerson(t, acme, 'ann.smith@acme.test', 'Ann Smith', ['Customer']);
    await createPerson(t, acme, 'officer@acme.test', 'Olga Officer', ['ComplianceOfficer']);
    await createPerson(t, acme, 'agent@acme.test', 'Alex Agent', ['Employee']);
    ann = as(t, 'acme', await t.login('acme', 'ann.smith@acme.test'));
    officer = as(t, 'acme', await t.login('acme', 'officer@acme.test'));
    agent = as(t, 'acme', await t.login('acme', 'agent@acme.test'));
    const ticket = await ann
      .post('/api/v1/tickets')
      .send({
        title: 'Laptop of Ann Smith',
        description: 'Call ann.smith@acme.test',
        customFields: { urgency: 'Low' },
      })
      .expect(201);
    ticketId = ticket.body.id as string;
    await agent
      .post(`/api/v1/tickets/${ticketId}/comments`)
      .send({ body: 'Hello Ann Smith' })
      .expect(201);
  });

  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  it('rejects UPDATE and DELETE of consent rows', async () => {
    await ann
      .post('/api/v1/compliance/consents')
      .send({ purpose: 'marketing_emails', granted: true, policyVersion: 'v1' })
      .expect(201);
    await ann
      .post('/api/v1/compliance/consents')
      .send({ purpose: 'marketing_emails', granted: false, policyVersion: 'v1' })
      .expect(201);
    const history = await ann.get('/api/v1/compliance/consents').expect(200);
    expect(
      (history.body.data as Array<{ granted: boolean }>).map((record) => record.granted),
    ).toEqual([false, true]);

    // Row-level security hides every row unless the session names the tenant.
    const asTenant = (statement: string) =>
      database.queryAsOwner(
        `SELECT set_config('app.tenant_id', '${acme.id}', false); ${statement}`,
      );
    await expect(asTenant('UPDATE user_consents SET granted = true')).rejects.toThrow(
      /append-only/,
    );
    await expect(asTenant('DELETE FROM user_consents')).rejects.toThrow(/append-only/);
  });

  it('exports the subject', async () => {
    const response = await officer.get(`/api/v1/compliance/subjects/${annId}/export`).expect(200);
    const document = JSON.parse(response.text) as {
      data: Record<string, Record<string, unknown[]>>;
    };
    expect(document.data.tickets?.tickets).toHaveLength(1);
    expect(document.data.compliance?.consents).toHaveLength(2);
  });

  it('erases the subject and keeps the audit chain valid', async () => {
    const response = await officer.post(`/api/v1/compliance/subjects/${annId}/erasure`).expect(200);
    expect(response.body).toEqual(
      expect.objectContaining({
        complete: true,
        subjectKey: 'destroyed',
        walCheckpoint: 'not_applicable',
      }),
    );
    const ticket = await agent.get(`/api/v1/tickets/${ticketId}`).expect(200);
    expect(ticket.body.title).toBe('Laptop of [erased]');
    expect(ticket.body.description).toBe('Call [erased]');
    const comments = await agent.get(`/api/v1/tickets/${ticketId}/comments`).expect(200);
    expect(comments.body.data[0].body).toBe('Hello [erased]');
    const audit = await as(t, 'acme', await t.login('acme', 'officer@acme.test'))
      .get('/api/v1/audit?limit=100')
      .expect(200);
    expect(audit.text).not.toContain('Ann Smith');
    expect(audit.text).not.toContain('ann.smith@acme.test');
    const verify = await officer.get('/api/v1/audit/verify').expect(200);
    expect(verify.body.valid).toBe(true);
  });
});
