import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CrossTenantAccessError, DatabaseRouter, RequestContext, TenantDatabase } from '#kernel';
import { Ticket } from '#tickets';
import type { Tenant } from '#tenancy';
import { startTestApp, type TestApp } from '../support/test-app.js';

describe('audit atomicity and the tenant subscriber', () => {
  let t: TestApp;
  let acme: Tenant;
  let globex: Tenant;
  let token: string;

  const countTickets = async (): Promise<number> => {
    const writer = t.app.get(DatabaseRouter).catalog().writer;
    const [row] = (await writer.query('SELECT COUNT(*) AS n FROM tickets')) as Array<{ n: number }>;
    return row!.n;
  };

  beforeAll(async () => {
    t = await startTestApp();
    acme = await t.createTenant('acme');
    globex = await t.createTenant('globex');
    await t.createUser(acme, 'agent@acme.test', ['Employee']);
    token = await t.login('acme', 'agent@acme.test');
  });

  afterAll(async () => {
    await t.close();
  });

  it('rolls the change back when the audit insert fails', async () => {
    const writer = t.app.get(DatabaseRouter).catalog().writer;
    const before = await countTickets();
    await writer.query(
      `CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log_entries
       BEGIN SELECT RAISE(ABORT, 'audit storage unavailable'); END`,
    );
    try {
      const response = await t.http
        .post('/api/v1/tickets')
        .set('X-Tenant-ID', 'acme')
        .set('Authorization', `Bearer ${token}`)
        .send({ title: 'Lost?', description: 'x', customFields: { urgency: 'Low' } });
      expect(response.status).toBe(500);
      expect(response.body.detail).not.toContain('audit storage unavailable');
    } finally {
      await writer.query('DROP TRIGGER fail_audit');
    }
    expect(await countTickets()).toBe(before);
  });

  it('refuses UPDATE and DELETE on the audit table', async () => {
    const writer = t.app.get(DatabaseRouter).catalog().writer;
    await expect(writer.query(`UPDATE audit_log_entries SET action = 'forged'`)).rejects.toThrow(/append-only/);
    await expect(writer.query('DELETE FROM audit_log_entries')).rejects.toThrow(/append-only/);
  });

  it('refuses to insert a row for another tenant', async () => {
    const database = t.app.get(TenantDatabase);
    const attempt = RequestContext.run({ correlationId: 'test' }, () =>
      database.write(acme.id, async (unitOfWork) => {
        const ticket = unitOfWork.manager.create(Ticket, {
          tenantId: globex.id,
          id: crypto.randomUUID(),
          domainId: 'IT',
          typeCode: 'INCIDENT',
          status: 'NEW',
          title: 'smuggled',
          description: '',
          priority: 'normal',
          customFields: {},
          requesterId: crypto.randomUUID(),
          assigneeId: null,
          configVersion: 'x',
          version: 1,
          dueAt: null,
          deletedAt: null,
        });
        await unitOfWork.manager.save(ticket);
      }),
    );
    await expect(attempt).rejects.toBeInstanceOf(CrossTenantAccessError);
  });

  it('refuses to load a row of another tenant', async () => {
    const response = await t.http
      .post('/api/v1/tickets')
      .set('X-Tenant-ID', 'acme')
      .set('Authorization', `Bearer ${token}`)
      .send({ title: 'Mine', description: 'x', customFields: { urgency: 'Low' } })
      .expect(201);
    const database = t.app.get(TenantDatabase);
    // A query that forgot its tenant filter still cannot return acme's row to globex.
    const leak = RequestContext.run({ correlationId: 'test' }, () =>
      database.read(globex.id, (manager) => manager.findOne(Ticket, { where: { id: response.body.id } })),
    );
    await expect(leak).rejects.toBeInstanceOf(CrossTenantAccessError);
  });

  it('refuses a context of one tenant writing for another', async () => {
    const database = t.app.get(TenantDatabase);
    const attempt = RequestContext.run({ correlationId: 'test', tenantId: acme.id }, () =>
      database.write(globex.id, async () => undefined),
    );
    await expect(attempt).rejects.toThrow(/tried to reach the data of tenant/);
  });
});
