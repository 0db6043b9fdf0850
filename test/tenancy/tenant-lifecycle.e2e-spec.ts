import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { MasalaException, RequestContext, SYSTEM_ACTOR } from '#kernel';
import {
  ChangeTenantSettingsCommand,
  CreateTenantCommand,
  ResumeTenantCommand,
  SuspendTenantCommand,
  TenantRegistry,
  type TenantChangeResult,
} from '#tenancy';
import type { Command } from '@nestjs/cqrs';
import { postgresUrl, SUPERUSER_ROLE } from '../postgres/support/postgres.js';
import { compareSnapshots, hashTenantRows, snapshotDatabase, type SnapshotSource } from './support/database-snapshot.js';
import { availableDeployments, startDeployment, type RunningDeployment } from './support/deployments.js';

type AuditEntry = { action: string; oldValues: Record<string, unknown> | null; newValues: Record<string, unknown> | null };

const deployments = await availableDeployments('tenant lifecycle', ['shared', 'database', 'postgres']);

describe.each(deployments)('tenant lifecycle: $label', (deployment) => {
  let d: RunningDeployment;
  let source: SnapshotSource;
  let agentToken: string;
  let adminToken: string;
  let globexToken: string;
  let ticketId: string;

  const run = <T>(command: Command<T>): Promise<T> =>
    RequestContext.run({ correlationId: `test-${crypto.randomUUID()}`, system: true }, () =>
      d.app('acme').app.get(CommandBus).execute(command),
    );
  const asAcme = (token: string) => ({
    get: (path: string) => d.http('acme').get(path).set('X-Tenant-ID', 'acme').set('Authorization', `Bearer ${token}`),
    post: (path: string) => d.http('acme').post(path).set('X-Tenant-ID', 'acme').set('Authorization', `Bearer ${token}`),
    patch: (path: string) => d.http('acme').patch(path).set('X-Tenant-ID', 'acme').set('Authorization', `Bearer ${token}`),
  });
  const auditActions = async (prefix: string): Promise<AuditEntry[]> => {
    const response = await asAcme(adminToken).get('/api/v1/audit?limit=100&order=asc').expect(200);
    return (response.body.data as AuditEntry[]).filter((entry) => entry.action.startsWith(prefix));
  };

  beforeAll(async () => {
    d = await startDeployment(deployment, ['acme', 'globex']);
    await d.createUser('acme', 'agent@acme.test', ['Employee']);
    await d.createUser('acme', 'admin@acme.test', ['Admin']);
    await d.createUser('globex', 'agent@globex.test', ['Employee']);
    agentToken = await d.login('acme', 'agent@acme.test');
    adminToken = await d.login('acme', 'admin@acme.test');
    globexToken = await d.login('globex', 'agent@globex.test');
    const created = await asAcme(agentToken)
      .post('/api/v1/tickets')
      .send({ title: 'Before suspension', description: 'x', customFields: { urgency: 'Low' } })
      .expect(201);
    ticketId = created.body.id as string;
    source = d.database
      ? { kind: 'postgres', url: postgresUrl(SUPERUSER_ROLE, d.database.name) }
      : { kind: 'sqlite', dataDir: d.app('acme').dataDir };
  }, 60_000);

  afterAll(async () => {
    await d?.close();
  });

  it('rejects a suspended tenant with 403', async () => {
    const suspended = await run(new SuspendTenantCommand('acme', SYSTEM_ACTOR, 'unpaid invoice'));
    expect(suspended.changed).toBe(true);
    expect(suspended.tenant.status).toBe('suspended');
    const before = await snapshotDatabase(source);

    const attempts = [
      asAcme(agentToken).get('/api/v1/tickets'),
      asAcme(agentToken).get(`/api/v1/tickets/${ticketId}`),
      asAcme(agentToken).post('/api/v1/tickets').send({ title: 'During', description: 'x', customFields: { urgency: 'Low' } }),
      asAcme(agentToken).patch(`/api/v1/tickets/${ticketId}`).set('If-Match', '"1"').send({ title: 'changed' }),
      asAcme(agentToken).post(`/api/v1/tickets/${ticketId}/transitions`).send({ to: 'IN_PROGRESS' }),
      asAcme(agentToken).get('/api/v1/me'),
      d.http('acme').post('/api/v1/auth/login').set('X-Tenant-ID', 'acme').send({ email: 'agent@acme.test', password: 'x' }),
    ];
    for (const attempt of attempts) {
      const response = await attempt;
      expect(response.status).toBe(403);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.body.type).toBe('urn:ticket-masala:problem:tenant_suspended');
    }

    const after = await snapshotDatabase(source);
    expect(hashTenantRows(after, suspended.tenant.id)).toBe(hashTenantRows(before, suspended.tenant.id));
    expect(compareSnapshots(before, after)).toEqual({ changed: [], removed: [], added: [] });
  });

  it('keeps serving the other tenant', async () => {
    await d.http('globex').get('/api/v1/tickets').set('X-Tenant-ID', 'globex').set('Authorization', `Bearer ${globexToken}`).expect(200);
  });

  it('suspends an already suspended tenant as a no-op', async () => {
    const again = await run(new SuspendTenantCommand('acme', SYSTEM_ACTOR));
    expect(again.changed).toBe(false);
  });

  it('serves a resumed tenant with its data intact', async () => {
    const resumed = await run(new ResumeTenantCommand('acme', SYSTEM_ACTOR));
    expect(resumed.changed).toBe(true);
    expect(resumed.tenant.status).toBe('active');

    const ticket = await asAcme(agentToken).get(`/api/v1/tickets/${ticketId}`).expect(200);
    expect(ticket.body.title).toBe('Before suspension');
    expect(ticket.body.version).toBe(1);
  });

  it('audits suspension and resumption once each', async () => {
    const entries = await auditActions('tenant.');
    expect(entries.map((entry) => entry.action)).toEqual(['tenant.created', 'tenant.suspended', 'tenant.resumed']);
    expect(entries[1]!.newValues).toEqual({ status: 'suspended', reason: 'unpaid invoice' });
    expect(entries[2]!.newValues).toEqual({ status: 'active' });
  });

  it('changes settings with an audited event', async () => {
    const result: TenantChangeResult = await run(
      new ChangeTenantSettingsCommand('acme', SYSTEM_ACTOR, {
        set: { rateLimitPerMinute: 1200, corsOrigins: ['https://desk.acme.example'], mandatoryTwoFactor: true, retentionDays: 30 },
        unset: [],
      }),
    );
    expect(result.changed).toBe(true);
    const stored = await d.app('acme').app.get(TenantRegistry).findBySlug('acme');
    expect(stored?.settings).toEqual({
      rateLimitPerMinute: 1200,
      corsOrigins: ['https://desk.acme.example'],
      mandatoryTwoFactor: true,
      retentionDays: 30,
    });

    await run(new ChangeTenantSettingsCommand('acme', SYSTEM_ACTOR, { set: { rateLimitPerMinute: 900 }, unset: ['retentionDays'] }));
    const entries = await auditActions('tenant.settings_changed');
    expect(entries).toHaveLength(2);
    expect(entries[0]!.oldValues).toEqual({ rateLimitPerMinute: null, corsOrigins: null, mandatoryTwoFactor: null, retentionDays: null });
    expect(entries[1]!.oldValues).toEqual({ rateLimitPerMinute: 1200, retentionDays: 30 });
    expect(entries[1]!.newValues).toEqual({ rateLimitPerMinute: 900, retentionDays: null });
  });

  it('rejects invalid settings, one error per key', async () => {
    const before = (await d.app('acme').app.get(TenantRegistry).findBySlug('acme'))?.settings;
    const attempt = run(
      new ChangeTenantSettingsCommand('acme', SYSTEM_ACTOR, {
        set: { rateLimitPerMinute: 0, corsOrigins: ['*'], retentionDays: 1.5 } as never,
        unset: ['colour'],
      }),
    );
    const error = (await attempt.catch((caught: unknown) => caught)) as MasalaException;
    expect(error).toBeInstanceOf(MasalaException);
    expect(error.details.errors?.map((item) => item.field).sort()).toEqual([
      'settings.colour',
      'settings.corsOrigins',
      'settings.rateLimitPerMinute',
      'settings.retentionDays',
    ]);
    expect((await d.app('acme').app.get(TenantRegistry).findBySlug('acme'))?.settings).toEqual(before);
  });

  it('rejects invalid settings at creation', async () => {
    const attempt = run(
      new CreateTenantCommand({ slug: 'bad-settings', name: 'Bad', settings: { mandatoryTwoFactor: 'yes' } as never }, SYSTEM_ACTOR),
    );
    await expect(attempt).rejects.toBeInstanceOf(MasalaException);
    expect(await d.app('acme').app.get(TenantRegistry).findBySlug('bad-settings')).toBeNull();
  });

  it('reports an unknown tenant as not found', async () => {
    const attempt = run(new SuspendTenantCommand('nobody', SYSTEM_ACTOR));
    await expect(attempt).rejects.toThrow('Tenant "nobody" not found');
  });
});
