import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TicketHistoryEntry } from '#audit';
import type { Tenant } from '#tenancy';
import { startTestApp, type TestApp } from '../support/test-app.js';

type Caller = { slug: string; token: string };

describe('ticket history through the IT workflow', () => {
  let t: TestApp;
  let acme: Tenant;
  let customer: Caller;
  let otherCustomer: Caller;
  let employee: Caller;
  let admin: Caller;
  let outsider: Caller;
  let employeeId: string;
  let ticketId: string;

  const call = (caller: Caller, method: 'get' | 'post' | 'patch', path: string) =>
    t.http[method](path)
      .set('X-Tenant-ID', caller.slug)
      .set('Authorization', `Bearer ${caller.token}`);

  const history = async (caller: Caller, limit = 100): Promise<TicketHistoryEntry[]> => {
    const entries: TicketHistoryEntry[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const page = await call(
        caller,
        'get',
        `/api/v1/tickets/${ticketId}/history?limit=${limit}${query}`,
      ).expect(200);
      entries.push(...(page.body.data as TicketHistoryEntry[]));
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    return entries;
  };

  beforeAll(async () => {
    t = await startTestApp();
    acme = await t.createTenant('acme');
    const globex = await t.createTenant('globex');
    await t.createUser(acme, 'customer@acme.test', ['Customer']);
    await t.createUser(acme, 'other@acme.test', ['Customer']);
    employeeId = await t.createUser(acme, 'agent@acme.test', ['Employee']);
    await t.createUser(acme, 'admin@acme.test', ['Admin']);
    await t.createUser(globex, 'agent@globex.test', ['Employee']);
    customer = { slug: 'acme', token: await t.login('acme', 'customer@acme.test') };
    otherCustomer = { slug: 'acme', token: await t.login('acme', 'other@acme.test') };
    employee = { slug: 'acme', token: await t.login('acme', 'agent@acme.test') };
    admin = { slug: 'acme', token: await t.login('acme', 'admin@acme.test') };
    outsider = { slug: 'globex', token: await t.login('globex', 'agent@globex.test') };

    const created = await call(customer, 'post', '/api/v1/tickets')
      .send({
        title: 'VPN down',
        description: 'Cannot connect from home',
        customFields: { urgency: 'High' },
      })
      .expect(201);
    ticketId = created.body.id as string;
    let version = created.body.version as number;
    const track = (response: { body: { version: number } }) => {
      version = response.body.version;
    };

    track(
      await call(employee, 'patch', `/api/v1/tickets/${ticketId}`)
        .set('If-Match', `"${version}"`)
        .send({ title: 'VPN down for remote staff' })
        .expect(200),
    );
    track(
      await call(employee, 'post', `/api/v1/tickets/${ticketId}/assignment`)
        .set('If-Match', `"${version}"`)
        .send({ assigneeId: employeeId })
        .expect(200),
    );
    await call(employee, 'post', `/api/v1/tickets/${ticketId}/comments`)
      .send({ body: 'Looking into it', internal: false })
      .expect(201);
    await call(employee, 'post', `/api/v1/tickets/${ticketId}/comments`)
      .send({ body: 'Firewall rule 17 looks wrong', internal: true })
      .expect(201);
    await call(customer, 'post', `/api/v1/tickets/${ticketId}/comments`)
      .send({ body: 'Thanks' })
      .expect(201);
    for (const to of ['IN_PROGRESS', 'RESOLVED', 'CLOSED']) {
      track(
        await call(employee, 'post', `/api/v1/tickets/${ticketId}/transitions`)
          .send({ to })
          .expect(200),
      );
    }
  });

  afterAll(async () => {
    await t.close();
  });

  it('lists every change in order for staff', async () => {
    const entries = await history(employee);
    expect(entries.map((entry) => entry.action)).toEqual([
      'ticket.created',
      'ticket.updated',
      'ticket.assigned',
      'ticket.commented',
      'ticket.commented',
      'ticket.commented',
      'ticket.transitioned',
      'ticket.transitioned',
      'ticket.transitioned',
    ]);
    const transitions = entries.filter((entry) => entry.action === 'ticket.transitioned');
    expect(transitions.map((entry) => entry.newValues?.status)).toEqual([
      'IN_PROGRESS',
      'RESOLVED',
      'CLOSED',
    ]);
    const update = entries.find((entry) => entry.action === 'ticket.updated')!;
    expect(update.oldValues?.title).toBe('VPN down');
    expect(update.newValues?.title).toBe('VPN down for remote staff');
  });

  it('hides internal notes from the customer', async () => {
    const entries = await history(customer);
    const comments = entries.filter((entry) => entry.action === 'ticket.commented');
    expect(comments).toHaveLength(2);
    expect(comments.every((entry) => entry.newValues?.internal === false)).toBe(true);
    expect(JSON.stringify(entries)).not.toContain('Firewall rule 17');
    expect(entries).toHaveLength(8);
  });

  it('leaves client details to audit readers', async () => {
    const [customerView] = await history(customer);
    expect(customerView).not.toHaveProperty('ip');
    expect(customerView).not.toHaveProperty('userAgent');
    const [adminView] = await history(admin);
    expect(adminView).toHaveProperty('ip');
    expect(adminView).toHaveProperty('correlationId');
  });

  it('pages the filtered history without gaps', async () => {
    const whole = await history(customer);
    const paged = await history(customer, 2);
    expect(paged.map((entry) => entry.id)).toEqual(whole.map((entry) => entry.id));
  });

  it('answers 404 to callers who may not read the ticket', async () => {
    const otherCustomerResponse = await call(
      otherCustomer,
      'get',
      `/api/v1/tickets/${ticketId}/history`,
    ).expect(404);
    const outsiderResponse = await call(
      outsider,
      'get',
      `/api/v1/tickets/${ticketId}/history`,
    ).expect(404);
    const missing = await call(
      employee,
      'get',
      `/api/v1/tickets/${crypto.randomUUID()}/history`,
    ).expect(404);
    await call(employee, 'get', '/api/v1/tickets/not-a-uuid/history').expect(404);
    expect(otherCustomerResponse.body.detail).toBe(missing.body.detail);
    expect(outsiderResponse.body.detail).toBe(missing.body.detail);
  });

  it('serves the work-items alias', async () => {
    const response = await call(employee, 'get', `/api/v1/work-items/${ticketId}/history`).expect(
      200,
    );
    expect(response.body.data.length).toBeGreaterThan(0);
  });

  it('rejects an invalid cursor', async () => {
    const response = await call(
      employee,
      'get',
      `/api/v1/tickets/${ticketId}/history?cursor=xyz`,
    ).expect(400);
    expect(response.body.errors[0].field).toBe('cursor');
  });
});
