import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import {
  DatabaseRouter,
  FieldEncryption,
  KeyRetiredError,
  KeyRotation,
  envelopeKeyId,
  findEncryptedTables,
  isEncryptedEnvelope,
  type RotationProgress,
} from '#kernel';
import type { Tenant } from '#tenancy';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { createNamedUser, writeSensitiveConfig } from './data-protection-fixtures.js';

const EMAIL = 'rotation.nurse@hospital.example';

/** Collects every envelope key id stored for the tenant, per table and column. */
async function storedKeyIds(t: TestApp, tenantId: string): Promise<Map<string, Set<string>>> {
  const router = t.app.get(DatabaseRouter);
  return router.catalog().read(tenantId, async (manager) => {
    const found = new Map<string, Set<string>>();
    for (const table of findEncryptedTables(manager.connection)) {
      for (const column of table.columns) {
        const rows = (await manager.query(
          `SELECT "${column.column}" AS value FROM "${table.table}" WHERE tenant_id = ?`,
          [tenantId],
        )) as Array<{ value: string | null }>;
        const ids = new Set<string>();
        for (const { value } of rows) {
          for (const envelope of value?.match(
            /enc:v1:[A-Za-z0-9._-]+:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+/g,
          ) ?? []) {
            ids.add(envelopeKeyId(envelope));
          }
        }
        if (ids.size > 0) found.set(`${table.table}.${column.column}`, ids);
      }
    }
    return found;
  });
}

describe('data key rotation', () => {
  let t: TestApp;
  let configFolder: string;
  let tenant: Tenant;
  let token: string;
  let oldEnvelope: string;
  let commentedTicketId: string;
  const progress: RotationProgress[] = [];

  const createTicket = (index: number) =>
    t.http
      .post('/api/v1/tickets')
      .set('X-Tenant-ID', 'rotate')
      .set('Authorization', `Bearer ${token}`)
      .send({
        title: `Ticket ${index}`,
        description: `Description number ${index}`,
        customFields: { patient_number: `PN-${index}`, ward: 'A' },
      })
      .expect(201);

  const addComment = (body: string) =>
    t.http
      .post(`/api/v1/tickets/${commentedTicketId}/comments`)
      .set('X-Tenant-ID', 'rotate')
      .set('Authorization', `Bearer ${token}`)
      .send({ body })
      .expect(201);

  beforeAll(async () => {
    configFolder = writeSensitiveConfig();
    t = await startTestApp({ MASALA_CONFIG_PATH: configFolder });
    tenant = await t.createTenant('rotate', { jurisdiction: 'BE' });
    await createNamedUser(t, tenant, EMAIL, 'Rotation Nurse', ['Employee']);
    token = await t.login('rotate', EMAIL);
    for (let index = 0; index < 20; index += 1) await createTicket(index);
    const first = await createTicket(100);
    commentedTicketId = first.body.id as string;
    await addComment('A comment written before the rotation');

    const rows = (await t.app
      .get(DatabaseRouter)
      .catalog()
      .read(tenant.id, (manager) =>
        manager.query('SELECT description FROM tickets WHERE tenant_id = ? LIMIT 1', [tenant.id]),
      )) as Array<{ description: string }>;
    oldEnvelope = rows[0]!.description;

    // supertest sends a request only once something awaits it, so `then` starts these writes
    // here, to run while the rotation reads and rewrites the tables.
    const during = [
      ...Array.from({ length: 8 }, (_, index) => createTicket(200 + index).then(() => undefined)),
      ...Array.from({ length: 4 }, (_, index) =>
        addComment(`A comment written during the rotation ${index}`).then(() => undefined),
      ),
    ];
    await t.app.get(KeyRotation).rotateTenant(tenant.id, {
      graceMs: 0,
      batchSize: 7,
      onProgress: (update) => progress.push(update),
    });
    await Promise.all(during);
  });

  afterAll(async () => {
    await t.close();
    rmSync(configFolder, { recursive: true, force: true });
  });

  it('starts with values under version 1', () => {
    expect(envelopeKeyId(oldEnvelope)).toBe(`dek.${tenant.id}.v1`);
  });

  it('stores every tenant-key value under version 2', async () => {
    const found = await storedKeyIds(t, tenant.id);
    expect([...found.keys()]).toEqual(
      expect.arrayContaining([
        'tickets.description',
        'tickets.custom_fields',
        'ticket_comments.body',
      ]),
    );
    for (const [column, ids] of found) {
      const outdated = [...ids].filter(
        (id) => id.startsWith('dek.') && id !== `dek.${tenant.id}.v2`,
      );
      expect({ column, outdated }).toEqual({ column, outdated: [] });
    }
  });

  it('retires version 1', () => {
    const keys = t.app.get(FieldEncryption).listTenantKeys(tenant.id);
    expect(keys.map((key) => [key.version, key.status])).toEqual([
      [1, 'retired'],
      [2, 'active'],
    ]);
    expect(() => t.app.get(FieldEncryption).decrypt(oldEnvelope, 'tickets.description')).toThrow(
      KeyRetiredError,
    );
  });

  it('keeps every value readable', async () => {
    const list = await t.http
      .get('/api/v1/tickets?limit=100')
      .set('X-Tenant-ID', 'rotate')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    const tickets = list.body.data as Array<{
      title: string;
      description: string;
      customFields: Record<string, unknown>;
    }>;
    expect(tickets).toHaveLength(29);
    for (const ticket of tickets) {
      const index = ticket.title.replace('Ticket ', '');
      expect(ticket.description).toBe(`Description number ${index}`);
      expect(ticket.customFields['patient_number']).toBe(`PN-${index}`);
    }
    await t.login('rotate', EMAIL);
    const comments = await t.http
      .get(`/api/v1/tickets/${commentedTicketId}/comments`)
      .set('X-Tenant-ID', 'rotate')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    const bodies = (comments.body.data as Array<{ body: string }>).map((comment) => comment.body);
    expect(bodies[0]).toBe('A comment written before the rotation');
    expect([...bodies].sort()).toEqual([
      'A comment written before the rotation',
      ...[0, 1, 2, 3].map((index) => `A comment written during the rotation ${index}`),
    ]);
  });

  it('keeps the audit chain valid', async () => {
    const admin = 'rotation.admin@hospital.example';
    await createNamedUser(t, tenant, admin, 'Rotation Admin', ['Admin']);
    const adminToken = await t.login('rotate', admin);
    const verify = await t.http
      .get('/api/v1/audit/verify')
      .set('X-Tenant-ID', 'rotate')
      .set('Authorization', `Bearer ${adminToken}`)
      .expect(200);
    expect(verify.body.valid).toBe(true);
  });

  it('reports progress per table and pass', () => {
    const passes = new Set(progress.map((update) => update.pass));
    expect(passes.has(1)).toBe(true);
    expect(passes.has(2)).toBe(true);
    const tickets = progress
      .filter((update) => update.pass === 1 && update.table === 'tickets')
      .at(-1);
    // `total` counts the rows when the pass started, and tickets created during it may be scanned too.
    expect(tickets!.scanned).toBeGreaterThanOrEqual(tickets!.total);
    expect(tickets!.total).toBeGreaterThanOrEqual(21);
  });

  it('leaves no plaintext after re-encryption', async () => {
    const rows = (await t.app
      .get(DatabaseRouter)
      .catalog()
      .read(tenant.id, (manager) =>
        manager.query('SELECT description FROM tickets WHERE tenant_id = ?', [tenant.id]),
      )) as Array<{
      description: string;
    }>;
    expect(rows.every((row) => isEncryptedEnvelope(row.description))).toBe(true);
  });
});
