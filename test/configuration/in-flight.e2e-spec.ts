import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { DatabaseRouter } from '#kernel';
import type { Tenant } from '#tenancy';
import { DomainCatalog } from '#tickets';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { ConfigFolder } from './support/config-folder.js';
import { edit, SERVICE_DESK_YAML } from './support/configs.js';
import { activations, versionOf } from './support/reload.js';

/** The same desk without the OPEN -> TRIAGED transition. */
const WITHOUT_TRIAGE = edit(SERVICE_DESK_YAML, 'OPEN: [TRIAGED, DONE]', 'OPEN: [DONE]');

/**
 * Each tenant has its own SQLite file here, so holding the tenant's write queue leaves the
 * catalog database, where a reload stores its version, free.
 */
describe('requests in flight during a reload', () => {
  let t: TestApp;
  let config: ConfigFolder;
  let catalog: DomainCatalog;
  let tenant: Tenant;
  let employee: Record<string, string>;
  let admin: Record<string, string>;

  const createTicket = async () => {
    const response = await t.http
      .post('/api/v1/tickets')
      .set(employee)
      .send({ title: 'Badge reader', description: 'Door 3', customFields: { channel: 'Phone' } })
      .expect(201);
    return response.body as { id: string };
  };

  beforeAll(async () => {
    config = ConfigFolder.withRoot(SERVICE_DESK_YAML);
    t = await startTestApp({ MASALA_CONFIG_PATH: config.path, MASALA_TENANCY: 'database' });
    catalog = t.app.get(DomainCatalog);
    tenant = await t.createTenant('desk');
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

  afterAll(async () => {
    await t.close();
    config.remove();
  });

  it('finishes a transition on its starting version', async () => {
    const ticket = await createTicket();
    const store = await t.app.get(DatabaseRouter).forTenant(tenant.id);

    // Hold the tenant's write queue, so the transition waits after taking its snapshot.
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let markQueueHeld = () => {};
    const queueHeld = new Promise<void>((resolve) => (markQueueHeld = resolve));
    const blocker = store.write(tenant.id, async () => {
      markQueueHeld();
      await gate;
    });
    await queueHeld;

    const configurationFor = catalog.configurationFor.bind(catalog);
    let markSnapshot = () => {};
    const snapshotTaken = new Promise<void>((resolve) => (markSnapshot = resolve));
    const spy = jest.spyOn(catalog, 'configurationFor').mockImplementation((tenantId) => {
      const configuration = configurationFor(tenantId);
      markSnapshot();
      return configuration;
    });
    const transition = t.http
      .post(`/api/v1/tickets/${ticket.id}/transitions`)
      .set(employee)
      .send({ to: 'TRIAGED' })
      .then((response) => response);
    await snapshotTaken;
    spy.mockRestore();

    config.writeRoot(WITHOUT_TRIAGE);
    await catalog.reloadNow();
    expect(catalog.configurationFor(tenant.id).version).toBe(versionOf(WITHOUT_TRIAGE));

    release();
    await blocker;
    const response = await transition;
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('TRIAGED');

    await catalog.settled();
    const audit = await t.http
      .get(`/api/v1/audit?entityId=${ticket.id}&order=asc`)
      .set(admin)
      .expect(200);
    const entries = audit.body.data as Array<{ action: string; configVersion: string }>;
    const moved = entries.find((entry) => entry.action === 'ticket.transitioned');
    expect(moved?.configVersion).toBe(versionOf(SERVICE_DESK_YAML));
    const activated = await activations(t, admin);
    expect(activated.at(-1)?.entityId).toBe(versionOf(WITHOUT_TRIAGE));
  });

  it('applies the new version to the next request', async () => {
    const ticket = await createTicket();
    const response = await t.http
      .post(`/api/v1/tickets/${ticket.id}/transitions`)
      .set(employee)
      .send({ to: 'TRIAGED' })
      .expect(409);
    expect(response.body.allowedStates).toEqual(['DONE']);
  });
});
