import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { DatabaseRouter } from '#kernel';
import { DomainCatalog, DomainConfigVersion } from '#tickets';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { ConfigFolder } from './support/config-folder.js';
import { edit, SERVICE_DESK_YAML } from './support/configs.js';
import { activations, lineOf, versionOf, waitForVersion } from './support/reload.js';

/** Adds an ESCALATED state reachable from OPEN. */
const WITH_ESCALATION = edit(
  edit(
    SERVICE_DESK_YAML,
    '        - code: ARCHIVED\n          name: Archived\n',
    '        - code: ARCHIVED\n          name: Archived\n        - code: ESCALATED\n          name: Escalated\n',
  ),
  '        OPEN: [TRIAGED, DONE]\n',
  '        OPEN: [TRIAGED, DONE, ESCALATED]\n        ESCALATED: [DONE]\n',
);

/** Defines OPEN a second time, after ESCALATED. */
const DUPLICATE_STATE = edit(
  WITH_ESCALATION,
  '          name: Escalated\n',
  '          name: Escalated\n        - code: OPEN\n          name: Reopened\n',
);

describe('hot reload', () => {
  let t: TestApp;
  let config: ConfigFolder;
  let catalog: DomainCatalog;
  let employee: Record<string, string>;
  let admin: Record<string, string>;

  const createTicket = async () => {
    const response = await t.http
      .post('/api/v1/tickets')
      .set(employee)
      .send({ title: 'Printer', description: 'Jammed', customFields: { channel: 'Phone' } })
      .expect(201);
    return response.body as { id: string };
  };

  const currentVersion = async () => {
    const response = await t.http.get('/api/v1/domains').set(employee).expect(200);
    return response.body.version as string;
  };

  beforeAll(async () => {
    config = ConfigFolder.withRoot(SERVICE_DESK_YAML);
    t = await startTestApp({ MASALA_CONFIG_PATH: config.path });
    catalog = t.app.get(DomainCatalog);
    const tenant = await t.createTenant('desk');
    await t.createUser(tenant, 'agent@desk.test', ['Employee']);
    await t.createUser(tenant, 'admin@desk.test', ['Admin']);
    const tenantHeader = { 'X-Tenant-ID': 'desk' };
    employee = {
      ...tenantHeader,
      Authorization: `Bearer ${await t.login('desk', 'agent@desk.test')}`,
    };
    admin = {
      ...tenantHeader,
      Authorization: `Bearer ${await t.login('desk', 'admin@desk.test')}`,
    };
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  afterAll(async () => {
    await t.close();
    config.remove();
  });

  it('starts on the version of the file bytes', async () => {
    expect(await currentVersion()).toBe(versionOf(SERVICE_DESK_YAML));
  });

  it('records the first version at tenant creation', async () => {
    await catalog.settled();
    const entries = await activations(t, admin);
    expect(entries).toHaveLength(1);
    expect(entries[0]?.entityId).toBe(versionOf(SERVICE_DESK_YAML));
    expect(entries[0]?.configVersion).toBe(versionOf(SERVICE_DESK_YAML));
    expect(entries[0]?.oldValues).toBeNull();
    expect(entries[0]?.newValues).toEqual({
      version: versionOf(SERVICE_DESK_YAML),
      tenantScope: null,
      file: 'masala_domains.yaml',
      domains: ['Desk'],
    });
  });

  it('activates a valid edit', async () => {
    const ticket = await createTicket();
    config.writeRoot(WITH_ESCALATION);
    const result = await catalog.reloadNow();
    expect(result.enabled).toBe(true);
    expect(result.rejected).toEqual([]);
    expect(await currentVersion()).toBe(versionOf(WITH_ESCALATION));

    const moved = await t.http
      .post(`/api/v1/tickets/${ticket.id}/transitions`)
      .set(employee)
      .send({ to: 'ESCALATED' })
      .expect(200);
    expect(moved.body.status).toBe('ESCALATED');
  });

  it('stores the new version once', async () => {
    const id = versionOf(WITH_ESCALATION);
    const rows = await t.app
      .get(DatabaseRouter)
      .catalog()
      .read('', (manager) => manager.find(DomainConfigVersion, { where: { id } }));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.sourcePath).toBe(config.rootFile);
    expect(rows[0]?.tenantScope).toBeNull();
    const snapshot = rows[0]?.snapshot as {
      domains: Record<string, { workflow: { states: unknown[] } }>;
    };
    expect(snapshot.domains.Desk?.workflow.states).toHaveLength(6);
  });

  it('audits the activation for the tenant', async () => {
    await catalog.settled();
    const entries = await activations(t, admin);
    expect(entries.map((entry) => entry.entityId)).toEqual([
      versionOf(SERVICE_DESK_YAML),
      versionOf(WITH_ESCALATION),
    ]);
    expect(entries[1]?.oldValues).toEqual({
      version: versionOf(SERVICE_DESK_YAML),
      tenantScope: null,
    });
    const verify = await t.http.get('/api/v1/audit/verify').set(admin).expect(200);
    expect(verify.body.valid).toBe(true);
  });

  it('rejects an invalid edit and keeps the version', async () => {
    const errors = jest.spyOn(Logger.prototype, 'error');
    config.writeRoot(DUPLICATE_STATE);
    const result = await catalog.reloadNow();

    const first = lineOf(DUPLICATE_STATE, '- code: OPEN', 1);
    const second = lineOf(DUPLICATE_STATE, '- code: OPEN', 2);
    const message =
      `${config.rootFile}:${second}: domains.Desk.workflow.states[6].code: ` +
      `duplicate state code 'OPEN' (first defined on line ${first})`;
    expect(result.rejected).toEqual([
      { tenantScope: null, file: config.rootFile, problems: [message] },
    ]);
    expect(result.activated).toEqual([]);
    expect(await currentVersion()).toBe(versionOf(WITH_ESCALATION));

    const logged = errors.mock.calls.map(
      ([entry]) => entry as { message?: string; problems?: string[] },
    );
    const rejection = logged.find((entry) => entry.problems !== undefined);
    expect(rejection?.message).toBe(
      'Rejected the domain configuration file; the previous version stays active',
    );
    expect(rejection?.problems).toEqual([message]);
  });

  it('serves requests on the kept version', async () => {
    const ticket = await createTicket();
    await t.http
      .post(`/api/v1/tickets/${ticket.id}/transitions`)
      .set(employee)
      .send({ to: 'ESCALATED' })
      .expect(200);
    await catalog.settled();
    const entries = await activations(t, admin);
    expect(entries).toHaveLength(2);
  });

  it('applies an edit through the file watcher', async () => {
    const renamed = edit(
      SERVICE_DESK_YAML,
      'display_name: Service Desk',
      'display_name: Help Desk',
    );
    config.writeRoot(renamed);
    expect(await waitForVersion(t, employee, versionOf(renamed))).toBe(versionOf(renamed));
    const domain = await t.http.get('/api/v1/domains/Desk').set(employee).expect(200);
    expect(domain.body.displayName).toBe('Help Desk');
  });

  it('returns to an earlier version', async () => {
    config.writeRoot(WITH_ESCALATION);
    await catalog.reloadNow();
    expect(await currentVersion()).toBe(versionOf(WITH_ESCALATION));
    await catalog.settled();
    const entries = await activations(t, admin);
    expect(entries.at(-1)?.entityId).toBe(versionOf(WITH_ESCALATION));
  });
});

describe('hot reload switched off', () => {
  const RELOAD_OFF = edit(
    SERVICE_DESK_YAML,
    'config_reload_enabled: true',
    'config_reload_enabled: false',
  );
  let t: TestApp;
  let config: ConfigFolder;
  let catalog: DomainCatalog;

  beforeAll(async () => {
    config = ConfigFolder.withRoot(SERVICE_DESK_YAML);
    t = await startTestApp({ MASALA_CONFIG_PATH: config.path });
    catalog = t.app.get(DomainCatalog);
  });

  afterAll(async () => {
    await t.close();
    config.remove();
  });

  it('applies the edit that switches it off', async () => {
    config.writeRoot(RELOAD_OFF);
    const result = await catalog.reloadNow();
    expect(result.enabled).toBe(true);
    expect(catalog.configurationFor('').version).toBe(versionOf(RELOAD_OFF));
  });

  it('ignores later edits', async () => {
    config.writeRoot(WITH_ESCALATION);
    const result = await catalog.reloadNow();
    expect(result).toEqual({ enabled: false, activated: [], removed: [], rejected: [] });
    expect(catalog.configurationFor('').version).toBe(versionOf(RELOAD_OFF));
  });
});
