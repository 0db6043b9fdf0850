import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { auditOf, clientFor, itTicket, type Client } from './tickets-support.js';

type CommentBody = { id: string; body: string; internal: boolean; version: number };

describe('ticket comments and internal notes', () => {
  let t: TestApp;
  let agent: Client;
  let admin: Client;
  let customer: Client;
  let otherCustomer: Client;
  let ticketId: string;
  let publicReply: CommentBody;
  let internalNote: CommentBody;

  beforeAll(async () => {
    t = await startTestApp();
    const acme = await t.createTenant('acme');
    await t.createUser(acme, 'agent@acme.test', ['Employee']);
    await t.createUser(acme, 'admin@acme.test', ['Admin']);
    await t.createUser(acme, 'customer@acme.test', ['Customer']);
    await t.createUser(acme, 'other@acme.test', ['Customer']);
    agent = clientFor(t, 'acme', await t.login('acme', 'agent@acme.test'));
    admin = clientFor(t, 'acme', await t.login('acme', 'admin@acme.test'));
    customer = clientFor(t, 'acme', await t.login('acme', 'customer@acme.test'));
    otherCustomer = clientFor(t, 'acme', await t.login('acme', 'other@acme.test'));

    const ticket = await customer('post', '/api/v1/tickets').send(itTicket('Mailbox full')).expect(201);
    ticketId = ticket.body.id;
    publicReply = (
      await agent('post', `/api/v1/tickets/${ticketId}/comments`).send({ body: 'We raised your quota' }).expect(201)
    ).body;
    internalNote = (
      await agent('post', `/api/v1/tickets/${ticketId}/comments`)
        .send({ body: 'Customer is on the zanzibar plan', internal: true })
        .expect(201)
    ).body;
  });

  afterAll(async () => {
    await t.close();
  });

  it('creates comments with Location and ETag', async () => {
    const response = await customer('post', `/api/v1/tickets/${ticketId}/comments`).send({ body: 'Thanks!' }).expect(201);
    expect(response.headers.location).toBe(`/api/v1/tickets/${ticketId}/comments/${response.body.id}`);
    expect(response.headers.etag).toBe('"1"');
    expect(response.body.internal).toBe(false);
  });

  it('forbids internal notes to customers', async () => {
    const response = await customer('post', `/api/v1/tickets/${ticketId}/comments`)
      .send({ body: 'sneaky', internal: true })
      .expect(403);
    expect(response.body.requiredPermission).toBe('comments.internal');
  });

  it('hides internal notes from the customer list', async () => {
    const response = await customer('get', `/api/v1/tickets/${ticketId}/comments`).expect(200);
    const ids = (response.body.data as CommentBody[]).map((comment) => comment.id);
    expect(ids).toContain(publicReply.id);
    expect(ids).not.toContain(internalNote.id);
    expect(JSON.stringify(response.body)).not.toContain('zanzibar');
  });

  it('shows internal notes to agents', async () => {
    const response = await agent('get', `/api/v1/tickets/${ticketId}/comments`).expect(200);
    const ids = (response.body.data as CommentBody[]).map((comment) => comment.id);
    expect(ids).toContain(internalNote.id);
  });

  it('counts only public comments for customers', async () => {
    const asCustomer = await customer('get', `/api/v1/tickets/${ticketId}`).expect(200);
    const asAgent = await agent('get', `/api/v1/tickets/${ticketId}`).expect(200);
    expect(asAgent.body.commentCount - asCustomer.body.commentCount).toBe(1);
    const listed = await customer('get', '/api/v1/tickets').expect(200);
    const row = (listed.body.data as Array<{ id: string; commentCount: number }>).find((item) => item.id === ticketId)!;
    expect(row.commentCount).toBe(asCustomer.body.commentCount);
  });

  it('keeps internal notes out of search', async () => {
    const byCustomer = await customer('get', '/api/v1/tickets?q=zanzibar').expect(200);
    expect(byCustomer.body.data).toHaveLength(0);
    const publicHit = await customer('get', '/api/v1/tickets?q=quota').expect(200);
    expect((publicHit.body.data as Array<{ id: string }>).map((item) => item.id)).toEqual([ticketId]);
  });

  it('does not bump the ticket version', async () => {
    const before = await agent('get', `/api/v1/tickets/${ticketId}`).expect(200);
    await agent('post', `/api/v1/tickets/${ticketId}/comments`).send({ body: 'late note', internal: true }).expect(201);
    const after = await agent('get', `/api/v1/tickets/${ticketId}`).expect(200);
    expect(after.body.version).toBe(1);
    expect(after.body.updatedAt).toBe(before.body.updatedAt);
    expect(after.body.commentCount).toBe(before.body.commentCount + 1);
  });

  describe('update time', () => {
    type TicketBody = { id: string; updatedAt: string; version: number; commentCount: number };
    /** Lists the customer's tickets in `sort` order, with the fields an internal note could leak through. */
    const customerList = async (sort: string) => {
      const response = await customer('get', `/api/v1/tickets?sort=${sort}&limit=100`).expect(200);
      return (response.body.data as TicketBody[]).map(({ id, updatedAt, version, commentCount }) => ({
        id,
        updatedAt,
        version,
        commentCount,
      }));
    };
    const customerView = async (id: string) => {
      const response = await customer('get', `/api/v1/tickets/${id}`).expect(200);
      const { daysUntilBreach: _days, breached: _breached, ...stable } = response.body as Record<string, unknown>;
      return { etag: response.headers.etag, body: stable };
    };
    /**
     * Checks that `id` has the latest update time of the customer's tickets and that sort=-updated
     * lists a ticket with that time first (tickets updated in the same millisecond follow id order).
     */
    const expectLatestFirst = async (id: string) => {
      const list = await customerList('-updated');
      const latest = Math.max(...list.map((ticket) => Date.parse(ticket.updatedAt)));
      expect(Date.parse(list.find((ticket) => ticket.id === id)!.updatedAt)).toBe(latest);
      expect(Date.parse(list[0]!.updatedAt)).toBe(latest);
      const ascending = await customerList('updated');
      expect(Date.parse(ascending.at(-1)!.updatedAt)).toBe(latest);
    };
    let older: string;
    let newer: string;

    beforeAll(async () => {
      older = (await customer('post', '/api/v1/tickets').send(itTicket('Printer offline')).expect(201)).body.id;
      newer = (await customer('post', '/api/v1/tickets').send(itTicket('Screen flickers')).expect(201)).body.id;
    });

    it('hides an internal note from the customer view', async () => {
      const before = await customerView(older);
      await agent('post', `/api/v1/tickets/${older}/comments`).send({ body: 'Toner is on back order', internal: true }).expect(201);
      const after = await customerView(older);
      expect(after).toEqual(before);
    });

    it('keeps the customer order after an internal note', async () => {
      for (const sort of ['-updated', 'updated']) {
        const before = await customerList(sort);
        await agent('post', `/api/v1/tickets/${older}/comments`).send({ body: `Checked again (${sort})`, internal: true }).expect(201);
        expect({ sort, list: await customerList(sort) }).toEqual({ sort, list: before });
      }
    });

    it('keeps the update time on an internal edit', async () => {
      const note = await agent('post', `/api/v1/tickets/${older}/comments`).send({ body: 'Draft note', internal: true }).expect(201);
      const before = await customerView(older);
      await agent('patch', `/api/v1/tickets/${older}/comments/${note.body.id}`).send({ body: 'Edited note' }).expect(200);
      expect(await customerView(older)).toEqual(before);
    });

    it('moves forward on a public reply', async () => {
      const before = await customerView(older);
      const sent = Date.now();
      await agent('post', `/api/v1/tickets/${older}/comments`).send({ body: 'Your printer is fixed' }).expect(201);
      const after = await customerView(older);
      const updatedAt = String(after.body.updatedAt);
      expect(Date.parse(updatedAt)).toBeGreaterThanOrEqual(sent);
      expect(updatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(after.body.version).toBe(before.body.version);
      expect(after.etag).toBe(before.etag);
      await expectLatestFirst(older);
    });

    it('moves forward on a public edit', async () => {
      const reply = await agent('post', `/api/v1/tickets/${newer}/comments`).send({ body: 'Try another cable' }).expect(201);
      await agent('post', `/api/v1/tickets/${older}/comments`).send({ body: 'Printer follow-up' }).expect(201);
      await expectLatestFirst(older);
      const sent = Date.now();
      await agent('patch', `/api/v1/tickets/${newer}/comments/${reply.body.id}`).send({ body: 'Try the HDMI cable' }).expect(200);
      const after = await customerView(newer);
      expect(Date.parse(String(after.body.updatedAt))).toBeGreaterThanOrEqual(sent);
      await expectLatestFirst(newer);
    });
  });

  it('answers 404 for an internal note to customers', async () => {
    const missing = await customer('get', `/api/v1/tickets/${ticketId}/comments/${crypto.randomUUID()}/revisions`).expect(404);
    const hidden = await customer('get', `/api/v1/tickets/${ticketId}/comments/${internalNote.id}/revisions`).expect(404);
    expect(hidden.body.detail).toBe(missing.body.detail);
    await customer('patch', `/api/v1/tickets/${ticketId}/comments/${internalNote.id}`).send({ body: 'x' }).expect(404);
  });

  it('hides comments of another requester', async () => {
    await otherCustomer('get', `/api/v1/tickets/${ticketId}/comments`).expect(404);
    await otherCustomer('post', `/api/v1/tickets/${ticketId}/comments`).send({ body: 'hi' }).expect(404);
  });

  it('keeps the history of edits', async () => {
    const comment = (await agent('post', `/api/v1/tickets/${ticketId}/comments`).send({ body: 'First draft' }).expect(201)).body;
    const edited = await agent('patch', `/api/v1/tickets/${ticketId}/comments/${comment.id}`)
      .set('If-Match', '"1"')
      .send({ body: 'Second draft' })
      .expect(200);
    expect(edited.body.version).toBe(2);
    expect(edited.body.editedAt).not.toBeNull();
    await agent('patch', `/api/v1/tickets/${ticketId}/comments/${comment.id}`).send({ body: 'Final' }).expect(200);

    const history = await customer('get', `/api/v1/tickets/${ticketId}/comments/${comment.id}/revisions`).expect(200);
    expect(history.body.data.map((revision: { body: string }) => revision.body)).toEqual(['First draft', 'Second draft']);
    const entries = (await auditOf(admin, comment.id)).map((entry) => entry.action);
    expect(entries).toEqual(['ticket.commented', 'comment.edited', 'comment.edited']);
  });

  it('reindexes an edited public comment', async () => {
    const comment = (await agent('post', `/api/v1/tickets/${ticketId}/comments`).send({ body: 'walrus' }).expect(201)).body;
    await agent('patch', `/api/v1/tickets/${ticketId}/comments/${comment.id}`).send({ body: 'narwhal' }).expect(200);
    expect((await agent('get', '/api/v1/tickets?q=walrus').expect(200)).body.data).toHaveLength(0);
    expect((await agent('get', '/api/v1/tickets?q=narwhal').expect(200)).body.data).toHaveLength(1);
  });

  it('rejects a stale comment version', async () => {
    await agent('patch', `/api/v1/tickets/${ticketId}/comments/${publicReply.id}`).set('If-Match', '"9"').send({ body: 'x' }).expect(412);
  });

  it('lets only the author edit', async () => {
    const response = await admin('patch', `/api/v1/tickets/${ticketId}/comments/${publicReply.id}`).send({ body: 'x' }).expect(403);
    expect(response.body.detail).toContain('author');
  });

  it('audits internal notes as internal', async () => {
    const [entry] = await auditOf(admin, internalNote.id);
    expect(entry!.action).toBe('ticket.commented');
    expect(entry!.newValues).toMatchObject({ ticketId, internal: true });
  });

  it('pages comments oldest first', async () => {
    const first = await agent('get', `/api/v1/tickets/${ticketId}/comments?limit=2`).expect(200);
    expect(first.body.data).toHaveLength(2);
    expect(first.body.data[0].id).toBe(publicReply.id);
    const second = await agent('get', `/api/v1/tickets/${ticketId}/comments?limit=2&cursor=${first.body.nextCursor}`).expect(200);
    expect(second.body.data[0].id).not.toBe(first.body.data[1].id);
  });

  it('rejects an empty comment', async () => {
    const response = await agent('post', `/api/v1/tickets/${ticketId}/comments`).send({ body: '' }).expect(400);
    expect(response.body.errors[0].field).toBe('body');
  });
});
