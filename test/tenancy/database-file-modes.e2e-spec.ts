import { afterEach, describe, expect, it } from '@jest/globals';
import { chmodSync, existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseRouter } from '#kernel';
import type { Tenant } from '#tenancy';
import { createApp } from '../../apps/api/src/app.factory.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;

/** The database file with its -wal and -shm files, which exist while a connection is open in WAL mode. */
const databaseFiles = (file: string) => [file, `${file}-wal`, `${file}-shm`];

/** Writes one ticket, so that the tenant's database has a WAL and a shared-memory file. */
async function writeTicket(t: TestApp, tenant: Tenant): Promise<void> {
  const email = `agent@${tenant.slug}.test`;
  await t.createUser(tenant, email, ['Employee']);
  const token = await t.login(tenant.slug, email);
  await t.http
    .post('/api/v1/tickets')
    .set('X-Tenant-ID', tenant.slug)
    .set('Authorization', `Bearer ${token}`)
    .send({ title: 'Mode check', description: 'd', customFields: { urgency: 'Low' } })
    .expect(201);
}

function expectOwnerOnly(files: string[]): void {
  for (const path of files) {
    expect({ path, exists: existsSync(path) }).toEqual({ path, exists: true });
    expect({ path, mode: modeOf(path).toString(8) }).toEqual({ path, mode: '600' });
  }
}

describe('database file modes', () => {
  let t: TestApp | undefined;

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('creates the catalog database for its owner only', async () => {
    t = await startTestApp();
    await writeTicket(t, await t.createTenant('acme'));
    expect(modeOf(t.dataDir).toString(8)).toBe('700');
    expectOwnerOnly(databaseFiles(join(t.dataDir, 'masala.sqlite')));
  });

  it('creates a dedicated tenant database for its owner only', async () => {
    t = await startTestApp();
    const tenant = await t.createTenant('vault', { storage: 'dedicated' });
    await writeTicket(t, tenant);
    const file = t.app.get(DatabaseRouter).dedicatedFile(tenant.id);
    expect(file.startsWith(t.dataDir)).toBe(true);
    expectOwnerOnly(databaseFiles(file));
  });

  it('creates database-mode tenant files for their owner only', async () => {
    t = await startTestApp({ MASALA_TENANCY: 'database' });
    const tenant = await t.createTenant('north');
    await writeTicket(t, tenant);
    expectOwnerOnly(databaseFiles(t.app.get(DatabaseRouter).dedicatedFile(tenant.id)));
    expectOwnerOnly(databaseFiles(join(t.dataDir, 'masala.sqlite')));
  });

  it('narrows a loose mode when the database opens again', async () => {
    const first = await startTestApp();
    await writeTicket(first, await first.createTenant('acme'));
    await first.app.close();
    const file = join(first.dataDir, 'masala.sqlite');
    chmodSync(file, 0o644);
    expect(modeOf(file).toString(8)).toBe('644');

    const reopened = await createApp(first.settings, { logger: false });
    try {
      await reopened.init();
      expectOwnerOnly([file]);
    } finally {
      await reopened.close();
      rmSync(first.dataDir, { recursive: true, force: true });
    }
  });
});
