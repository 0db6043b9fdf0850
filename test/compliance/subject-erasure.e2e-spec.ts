import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FieldEncryption, RequestContext, TenantDatabase, type Principal } from '#kernel';
import type { Tenant } from '#tenancy';
import { AddCommentCommand } from '#tickets';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.js';
import { as, createPerson, createTickets } from './compliance-support.js';

const EMAIL = 'ann.smith@acme.test';
const NAME = 'Ann Smith';
const TICKETS = 1000;
/** Values that identify the subject; none may be found anywhere after erasure. */
const NICKNAME = 'Annie Smithers';
const IDENTIFIERS = [EMAIL, NAME, 'ann.smith', NICKNAME];

function expectNoIdentifier(text: string, where: string): void {
  const lower = text.toLowerCase();
  for (const identifier of IDENTIFIERS) {
    expect({ where, found: lower.includes(identifier.toLowerCase()) ? identifier : null }).toEqual({
      where,
      found: null,
    });
  }
}

/** Lists every SQLite file of the data folder (main files, WAL and shared memory), recursively. */
function databaseFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return databaseFiles(path);
    return /\.sqlite(-wal|-shm|-journal)?$/.test(entry.name) ? [path] : [];
  });
}

describe('data-subject erasure', () => {
  let t: TestApp;
  let acme: Tenant;
  let annId: string;
  let bobTicketId: string;
  /** Entries of the decrypted value cache just before and just after the erasure. */
  const cachedValues = { before: 0, after: 0 };
  let annTickets: string[];
  let tokenBefore: string;
  let officer: ReturnType<typeof as>;
  let admin: ReturnType<typeof as>;
  let agent: ReturnType<typeof as>;
  let receipt: Record<string, unknown>;
  let annAttachmentId: string;

  const principalOf = (userId: string, roles: string[], permissions: string[]): Principal => ({
    tenantId: acme.id,
    tenantSlug: 'acme',
    actor: { type: 'user', id: userId, roles },
    permissions: new Set(permissions),
  });

  const comment = (principal: Principal, ticketId: string, body: string) =>
    RequestContext.run({ correlationId: `test-${crypto.randomUUID()}` }, () =>
      t.app.get(CommandBus).execute(new AddCommentCommand(principal, ticketId, { body })),
    );

  beforeAll(async () => {
    t = await startTestApp();
    acme = await t.createTenant('acme', { jurisdiction: 'BE' });
    annId = await createPerson(t, acme, EMAIL, NAME, ['Customer']);
    const bobId = await createPerson(t, acme, 'bob.jones@acme.test', 'Bob Jones', ['Customer']);
    const agentId = await createPerson(t, acme, 'agent@acme.test', 'Alex Agent', ['Employee']);
    await createPerson(t, acme, 'officer@acme.test', 'Olga Officer', ['ComplianceOfficer']);
    await createPerson(t, acme, 'admin@acme.test', 'Ada Admin', ['Admin']);
    officer = as(t, 'acme', await t.login('acme', 'officer@acme.test'));
    admin = as(t, 'acme', await t.login('acme', 'admin@acme.test'));
    agent = as(t, 'acme', await t.login('acme', 'agent@acme.test'));
    tokenBefore = await t.login('acme', EMAIL);
    const ann = as(t, 'acme', tokenBefore);

    annTickets = await createTickets(t, acme, annId, TICKETS, (index) => ({
      title: index % 2 === 0 ? `Laptop ${index} of ${NAME}` : `Request ${index}`,
      description: `Reach me at ${EMAIL} or +32 470 12 34 56 (${index})`,
      customFields: { urgency: 'High', os_version: `${NAME}'s Windows` },
    }));
    const annPrincipal = principalOf(annId, ['Customer'], ['tickets.read', 'comments.create']);
    const agentPrincipal = principalOf(
      agentId,
      ['Employee'],
      ['tickets.read', 'tickets.read_all', 'comments.create'],
    );
    for (let index = 0; index < TICKETS; index += 2) {
      await Promise.all([
        comment(annPrincipal, annTickets[index]!, `Still broken, ${NAME}`),
        comment(agentPrincipal, annTickets[index + 1]!, `Dear ${NAME}, we are on it`),
      ]);
    }
    const edited = await ann
      .post(`/api/v1/tickets/${annTickets[0]}/comments`)
      .send({ body: `Signed ${NAME}` })
      .expect(201);
    await ann
      .patch(`/api/v1/tickets/${annTickets[0]}/comments/${edited.body.id}`)
      .set('If-Match', '"1"')
      .send({ body: 'Signed, see my profile' })
      .expect(200);
    await ann
      .post('/api/v1/compliance/consents')
      .send({ purpose: 'marketing_emails', granted: true, policyVersion: 'v1' })
      .expect(201);

    const upload = await ann
      .post(`/api/v1/tickets/${annTickets[0]}/attachments`)
      .attach('file', Buffer.from(`Passport scan of ${NAME}`), 'passport.txt')
      .expect(201);
    annAttachmentId = upload.body.id as string;
    await agent
      .post(`/api/v1/tickets/${annTickets[0]}/attachments`)
      .attach('file', Buffer.from('Screen capture'), `${NAME} screen.txt`)
      .expect(201);
    await ann
      .post('/api/v1/saved-filters')
      .send({ name: 'My open tickets', criteria: { status: 'NEW' } })
      .expect(201);
    await agent
      .post('/api/v1/saved-filters')
      .send({ name: `Tickets of ${NAME}`, criteria: { q: NAME } })
      .expect(201);

    const bob = as(t, 'acme', await t.login('acme', 'bob.jones@acme.test'));
    const bobTicket = await bob
      .post('/api/v1/tickets')
      .send({
        title: 'Printer',
        description: `My colleague ${NAME} (${NICKNAME}) has the same problem`,
        customFields: { urgency: 'Low' },
      })
      .expect(201);
    bobTicketId = bobTicket.body.id as string;
    expect(bobId).toBeDefined();

    await agent.get('/api/v1/tickets').expect(200);
    const encryption = t.app.get(FieldEncryption);
    cachedValues.before = encryption.plaintextCacheUsage.entries;
    const response = await officer
      .post(`/api/v1/compliance/subjects/${annId}/erasure`)
      .send({ identifiers: [NICKNAME] })
      .expect(200);
    cachedValues.after = encryption.plaintextCacheUsage.entries;
    receipt = response.body as Record<string, unknown>;
  }, 300_000);

  afterAll(async () => {
    await t.close();
  });

  it('returns a receipt with counts per context and field', () => {
    const counts = receipt.counts as Record<string, Record<string, number>>;
    expect(receipt).toEqual(
      expect.objectContaining({
        subjectId: annId,
        complete: true,
        subjectKey: 'destroyed',
        walCheckpoint: 'truncated',
      }),
    );
    expect(receipt.identifiers).toEqual([
      { source: 'email', scope: 'tenant' },
      { source: 'display_name', scope: 'tenant' },
      { source: 'email_local_part', scope: 'tenant' },
      { source: 'request', position: 0, scope: 'linked_records' },
    ]);
    expect(counts.identity).toEqual(
      expect.objectContaining({ 'users.email': 1, 'users.display_name': 1 }),
    );
    expect(counts.tickets).toEqual(
      expect.objectContaining({
        'tickets.requested': TICKETS,
        'tickets.title': TICKETS / 2,
        'tickets.description': TICKETS + 1,
        'tickets.custom_fields': TICKETS,
        'comment_revisions.deleted': 1,
        'saved_filters.deleted': 1,
        'saved_filters.rewritten': 1,
      }),
    );
    expect(counts.tickets?.['ticket_comments.body']).toBe(TICKETS + 1);
    expect(counts.tickets?.['ticket_attachments.file_name']).toBe(1);
    expect(receipt.afterCommit).toEqual({ tickets: { 'ticket_attachments.deleted': 1 } });
    expect(counts.compliance).toEqual({ 'user_consents.kept': 1 });
    expect(counts.audit?.['audit_log_entries.rewritten']).toBeGreaterThan(TICKETS);
    // Bob's ticket and the agent's saved filter name the subject in entries that are not about her.
    expect(counts.audit?.['audit_log_entries.mentions_rewritten']).toBe(2);
    expect(counts.audit?.['audit_checkpoints.recorded']).toBe(2);
  });

  it('empties the decrypted value cache', () => {
    expect(cachedValues.before).toBeGreaterThan(0);
    expect(cachedValues.after).toBe(0);
  });

  it('audits the receipt as subject.erased without the erased values', async () => {
    const response = await admin
      .get(`/api/v1/audit?action=subject.erased&entityId=${annId}`)
      .expect(200);
    expect(response.body.data).toHaveLength(1);
    expect(response.body.data[0].newValues.counts).toEqual(receipt.counts);
    const completed = await admin
      .get(`/api/v1/audit?action=subject.erasure_completed&entityId=${annId}`)
      .expect(200);
    expect(completed.body.data[0].newValues).toEqual(
      expect.objectContaining({ subjectKey: 'destroyed' }),
    );
  });

  it('stops the tokens issued before the erasure at once', async () => {
    await t.http
      .get('/api/v1/me')
      .set('X-Tenant-ID', 'acme')
      .set('Authorization', `Bearer ${tokenBefore}`)
      .expect(401);
    await t.http
      .get('/api/v1/tickets')
      .set('X-Tenant-ID', 'acme')
      .set('Authorization', `Bearer ${tokenBefore}`)
      .expect(401);
    await t.http
      .post('/api/v1/auth/login')
      .set('X-Tenant-ID', 'acme')
      .send({ email: EMAIL, password: TEST_PASSWORD })
      .expect(401);
  });

  it('leaves no identifier in the ticket list, details and comments', async () => {
    let cursor: string | null = null;
    let listed = 0;
    do {
      const page = await agent
        .get(`/api/v1/tickets?limit=100${cursor ? `&cursor=${cursor}` : ''}`)
        .expect(200);
      expectNoIdentifier(page.text, 'GET /tickets');
      listed += (page.body.data as unknown[]).length;
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    expect(listed).toBe(TICKETS + 1);

    for (const id of [...annTickets.slice(0, 25), bobTicketId]) {
      const detail = await agent.get(`/api/v1/tickets/${id}`).expect(200);
      expectNoIdentifier(detail.text, `GET /tickets/${id}`);
      const comments = await agent.get(`/api/v1/tickets/${id}/comments`).expect(200);
      expectNoIdentifier(comments.text, `GET /tickets/${id}/comments`);
    }
    const filters = await agent.get('/api/v1/saved-filters').expect(200);
    expectNoIdentifier(filters.text, 'GET /saved-filters');
    const bob = await agent.get(`/api/v1/tickets/${bobTicketId}`).expect(200);
    expect(bob.body.description).toBe('My colleague [erased] ([erased]) has the same problem');
  });

  it('deletes the attachments the subject uploaded, rows and files', async () => {
    await agent.get(`/api/v1/tickets/${annTickets[0]}/attachments/${annAttachmentId}`).expect(404);
    const listed = await agent.get(`/api/v1/tickets/${annTickets[0]}/attachments`).expect(200);
    expect((listed.body.data as Array<{ id: string }>).map((item) => item.id)).not.toContain(
      annAttachmentId,
    );
    expectNoIdentifier(listed.text, 'GET attachments');
    expect(existsSync(join(t.dataDir, 'attachments', acme.id, `${annAttachmentId}.bin`))).toBe(
      false,
    );
  });

  it('keeps every detected identifier out of the tickets the subject requested', async () => {
    const detail = await agent.get(`/api/v1/tickets/${annTickets[0]}`).expect(200);
    expect(detail.body.title).toBe('Laptop 0 of [erased]');
    expect(detail.body.description).toBe('Reach me at [erased] or [phone] (0)');
    expect(detail.body.customFields).toEqual({ urgency: 'High', os_version: "[erased]'s Windows" });
    expect(detail.body.requesterId).toBe(annId);
  });

  it('finds nothing when searching for the name', async () => {
    const response = await agent.get('/api/v1/tickets?q=Smith').expect(200);
    expect(response.body.data).toEqual([]);
  });

  it('leaves no identifier in the audit log, whose chain stays valid', async () => {
    let cursor: string | null = null;
    let entries = 0;
    do {
      const page = await admin
        .get(`/api/v1/audit?limit=100${cursor ? `&cursor=${cursor}` : ''}`)
        .expect(200);
      expectNoIdentifier(page.text, 'GET /audit');
      entries += (page.body.data as unknown[]).length;
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    expect(entries).toBeGreaterThan(2 * TICKETS);
    const verify = await admin.get('/api/v1/audit/verify').expect(200);
    expect(verify.body.valid).toBe(true);
  });

  it('leaves no identifier in the user routes and the export', async () => {
    const users = await admin.get('/api/v1/users?limit=100').expect(200);
    expectNoIdentifier(users.text, 'GET /users');
    const user = await admin.get(`/api/v1/users/${annId}`).expect(200);
    expectNoIdentifier(user.text, `GET /users/${annId}`);
    expect(user.body.status).toBe('erased');

    const exported = await officer.get(`/api/v1/compliance/subjects/${annId}/export`).expect(200);
    expectNoIdentifier(exported.text, 'GET export');
    const consents = await officer
      .get(`/api/v1/compliance/consents?subjectId=${annId}`)
      .expect(200);
    expect(consents.body.data).toHaveLength(1);
  });

  it('rejects identifiers that are too short to scrub safely', async () => {
    const other = await createPerson(t, acme, 'cleo@acme.test', 'Cleo Client', ['Customer']);
    const response = await officer
      .post(`/api/v1/compliance/subjects/${other}/erasure`)
      .send({ identifiers: ['Cl'] })
      .expect(400);
    expect(response.body.errors[0].field).toBe('identifiers');
  });

  it('refuses a second erasure of the same subject', async () => {
    await officer.post(`/api/v1/compliance/subjects/${annId}/erasure`).expect(409);
  });

  it('leaves no identifier in the bytes of the database files', async () => {
    const router = t.app.get(TenantDatabase).router;
    expect(router).toBeDefined();
    const files = databaseFiles(t.dataDir);
    expect(files.some((file) => file.endsWith('masala.sqlite'))).toBe(true);
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const identifier of IDENTIFIERS) {
        for (const variant of [identifier, identifier.toLowerCase(), identifier.toUpperCase()]) {
          expect({ file, variant, found: bytes.includes(Buffer.from(variant, 'utf8')) }).toEqual({
            file,
            variant,
            found: false,
          });
        }
      }
    }
  });
});
