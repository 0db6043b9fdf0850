import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { hashEntry, type SealedEntry } from '#audit';
import type { Tenant } from '#tenancy';
import { auditVerify } from '../../apps/cli/src/commands/audit.commands.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { allEntries, asSystem, openRawDatabase } from './audit-support.js';

describe('audit tamper evidence', () => {
  let t: TestApp;
  let acme: Tenant;
  let adminToken: string;
  let globexToken: string;

  const verifyOverHttp = async (slug: string, token: string) => {
    const response = await t.http
      .get('/api/v1/audit/verify')
      .set('X-Tenant-ID', slug)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    return response.body as {
      valid: boolean;
      entries: number;
      firstBrokenId?: string;
      firstBrokenSequence?: number;
    };
  };

  const tamper = (statements: (raw: ReturnType<typeof openRawDatabase>) => void) => {
    const raw = openRawDatabase(t);
    try {
      statements(raw);
    } finally {
      raw.close();
    }
  };

  beforeAll(async () => {
    t = await startTestApp();
    acme = await t.createTenant('acme');
    const globex = await t.createTenant('globex');
    await t.createUser(acme, 'admin@acme.test', ['Admin']);
    await t.createUser(globex, 'admin@globex.test', ['Admin']);
    adminToken = await t.login('acme', 'admin@acme.test');
    globexToken = await t.login('globex', 'admin@globex.test');
    for (const title of ['VPN down', 'Printer jam', 'Mail bounce']) {
      await t.http
        .post('/api/v1/tickets')
        .set('X-Tenant-ID', 'acme')
        .set('Authorization', `Bearer ${adminToken}`)
        .send({ title, description: 'x', customFields: { urgency: 'Low' } })
        .expect(201);
    }
  });

  afterAll(async () => {
    await t.close();
  });

  it('reports an intact chain as valid', async () => {
    const result = await verifyOverHttp('acme', adminToken);
    expect(result.valid).toBe(true);
    expect(result.entries).toBeGreaterThanOrEqual(6);
    const cli = await asSystem(() => auditVerify(t.app, 'acme', { json: true }));
    expect(cli.exitCode).toBe(0);
    expect(JSON.parse(cli.output).valid).toBe(true);
  });

  it('finds the entry edited through a raw connection', async () => {
    const entries = await allEntries(t, 'acme', adminToken);
    const target = entries.find((entry) => entry.action === 'ticket.created')!;
    tamper((raw) => {
      raw.exec('DROP TRIGGER audit_log_entries_no_update');
      raw
        .prepare('UPDATE audit_log_entries SET actor_id = ? WHERE tenant_id = ? AND id = ?')
        .run('someone-else', acme.id, target.id);
    });

    const result = await verifyOverHttp('acme', adminToken);
    expect(result.valid).toBe(false);
    expect(result.firstBrokenId).toBe(target.id);
    expect(result.firstBrokenSequence).toBe(target.sequence);

    const cli = await asSystem(() => auditVerify(t.app, 'acme', { json: true }));
    expect(cli.exitCode).toBe(1);
    expect(JSON.parse(cli.output).firstBrokenId).toBe(target.id);
    const text = await asSystem(() => auditVerify(t.app, 'acme'));
    expect(text.output).toContain(`broken at entry ${target.id}`);
  });

  it('keeps the other tenant valid', async () => {
    const result = await verifyOverHttp('globex', globexToken);
    expect(result.valid).toBe(true);
  });

  it('finds a deleted entry at its successor', async () => {
    const before = await allEntries(t, 'globex', globexToken);
    const [, removed, successor] = before;
    tamper((raw) => {
      raw.exec('DROP TRIGGER audit_log_entries_no_delete');
      raw.prepare('DELETE FROM audit_log_entries WHERE id = ?').run(removed!.id);
    });
    const result = await verifyOverHttp('globex', globexToken);
    expect(result.valid).toBe(false);
    expect(result.firstBrokenId).toBe(successor!.id);
  });

  it('finds an entry re-sealed with a recomputed hash at its successor', async () => {
    const initech = await t.createTenant('initech');
    await t.createUser(initech, 'admin@initech.test', ['Admin']);
    const token = await t.login('initech', 'admin@initech.test');
    const entries = await allEntries(t, 'initech', token);
    const [, target, successor] = entries;

    // The attacker rewrites the entry and recomputes its own hash, but cannot fix the successor
    // without re-sealing the rest of the chain.
    const forged: SealedEntry = {
      ...target!,
      tenantId: initech.id,
      actorType: target!.actor.type,
      actorId: 'someone-else',
      parentEntityType: null,
      parentEntityId: null,
    };
    tamper((raw) => {
      raw
        .prepare(
          'UPDATE audit_log_entries SET actor_id = ?, hash = ? WHERE tenant_id = ? AND id = ?',
        )
        .run(forged.actorId, hashEntry(forged), initech.id, target!.id);
    });
    const result = await verifyOverHttp('initech', token);
    expect(result.valid).toBe(false);
    expect(result.firstBrokenId).toBe(successor!.id);
  });
});
