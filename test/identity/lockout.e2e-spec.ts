import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Tenant } from '#tenancy';
import { User } from '../../libs/identity/src/domain/user.entity.js';
import { TEST_PASSWORD, startTestApp, type TestApp } from '../support/test-app.js';
import { PAST, auditEntries, withoutCorrelation, writeAsTenant } from './support/identity-helpers.js';

const THRESHOLD = 3;

describe('login lockout', () => {
  let t: TestApp;
  let acme: Tenant;
  let globex: Tenant;
  let adminToken: string;

  const login = (email: string, password = TEST_PASSWORD, tenant = 'acme') =>
    t.http.post('/api/v1/auth/login').set('X-Tenant-ID', tenant).send({ email, password });

  const failTimes = async (email: string, count: number) => {
    for (let attempt = 0; attempt < count; attempt += 1) {
      await login(email, `wrong-password-${attempt}`).expect(401);
    }
  };

  beforeAll(async () => {
    t = await startTestApp({ MASALA_LOCKOUT_THRESHOLD: String(THRESHOLD), MASALA_LOCKOUT_MINUTES: '30' });
    acme = await t.createTenant('acme');
    globex = await t.createTenant('globex');
    await t.createUser(acme, 'admin@acme.test', ['Admin']);
    adminToken = await t.login('acme', 'admin@acme.test');
  });

  afterAll(async () => {
    await t.close();
  });

  it('locks after the threshold', async () => {
    await t.createUser(acme, 'target@acme.test', ['Employee']);
    await failTimes('target@acme.test', THRESHOLD);
    await login('target@acme.test').expect(401);
  });

  it('answers every failure alike', async () => {
    await t.createUser(acme, 'plain@acme.test', ['Employee']);
    await t.createUser(acme, 'frozen@acme.test', ['Employee']);
    const disabledId = await t.createUser(acme, 'gone@acme.test', ['Employee']);
    await t.createUser(globex, 'outsider@globex.test', ['Employee']);
    await failTimes('frozen@acme.test', THRESHOLD);
    await t.http
      .patch(`/api/v1/users/${disabledId}`)
      .set('X-Tenant-ID', 'acme')
      .set('Authorization', `Bearer ${adminToken}`)
      .send({ status: 'disabled' })
      .expect(200);

    const cases = {
      wrongPassword: await login('plain@acme.test', 'not-the-right-one'),
      unknownAccount: await login('nobody@acme.test'),
      lockedWithRightPassword: await login('frozen@acme.test'),
      disabledWithRightPassword: await login('gone@acme.test'),
      otherTenantsUser: await login('outsider@globex.test'),
    };
    const reference = cases.wrongPassword;
    expect(reference.status).toBe(401);
    for (const [name, response] of Object.entries(cases)) {
      expect({ name, status: response.status }).toEqual({ name, status: 401 });
      expect({ name, type: response.headers['content-type'] }).toEqual({ name, type: reference.headers['content-type'] });
      expect({ name, body: withoutCorrelation(response.body as Record<string, unknown>) }).toEqual({
        name,
        body: withoutCorrelation(reference.body as Record<string, unknown>),
      });
    }
    await login('outsider@globex.test', TEST_PASSWORD, 'globex').expect(200);
  });

  it('audits failures, the lock and the unlock', async () => {
    const userId = await t.createUser(acme, 'audited@acme.test', ['Employee']);
    await failTimes('audited@acme.test', THRESHOLD);
    await login('audited@acme.test').expect(401);

    const entries = await auditEntries(t, 'acme', adminToken, { entityId: userId });
    const failures = entries.filter((entry) => entry.action === 'auth.login_failed');
    expect(failures.map((entry) => entry.newValues?.reason)).toEqual([
      'wrong_password',
      'wrong_password',
      'wrong_password',
      'locked',
    ]);
    expect(failures.map((entry) => entry.newValues?.failedLogins)).toEqual([1, 2, 3, undefined]);
    expect(entries.filter((entry) => entry.action === 'auth.account_locked')).toHaveLength(1);

    await t.http
      .patch(`/api/v1/users/${userId}`)
      .set('X-Tenant-ID', 'acme')
      .set('Authorization', `Bearer ${adminToken}`)
      .send({ locked: false })
      .expect(200);
    await login('audited@acme.test').expect(200);

    const unlocks = await auditEntries(t, 'acme', adminToken, { entityId: userId, action: 'auth.account_unlocked' });
    expect(unlocks).toHaveLength(1);
    expect(unlocks[0]?.newValues).toEqual({ reason: 'admin' });
  });

  it('audits an unknown account failure', async () => {
    await login('ghost@acme.test').expect(401);
    const entries = await auditEntries(t, 'acme', adminToken, { entityId: 'unknown', action: 'auth.login_failed' });
    expect(entries.length).toBeGreaterThan(0);
    expect(JSON.stringify(entries)).not.toContain('ghost@acme.test');
  });

  it('unlocks when the lock expires', async () => {
    const userId = await t.createUser(acme, 'patient@acme.test', ['Employee']);
    await failTimes('patient@acme.test', THRESHOLD);
    await login('patient@acme.test').expect(401);

    await writeAsTenant(t, acme.id, (manager) => manager.update(User, { tenantId: acme.id, id: userId }, { lockedUntil: PAST }));
    await login('patient@acme.test').expect(200);

    const unlocks = await auditEntries(t, 'acme', adminToken, { entityId: userId, action: 'auth.account_unlocked' });
    expect(unlocks.map((entry) => entry.newValues)).toEqual([{ reason: 'expired' }]);
  });

  it('shows the lock to the Admin', async () => {
    const userId = await t.createUser(acme, 'visible@acme.test', ['Employee']);
    await failTimes('visible@acme.test', THRESHOLD);
    const response = await t.http
      .get(`/api/v1/users/${userId}`)
      .set('X-Tenant-ID', 'acme')
      .set('Authorization', `Bearer ${adminToken}`)
      .expect(200);
    expect(response.body.locked).toBe(true);
    expect(Date.parse(response.body.lockedUntil as string)).toBeGreaterThan(Date.now());
  });

  it('resets the count after a success', async () => {
    await t.createUser(acme, 'sometimes@acme.test', ['Employee']);
    await failTimes('sometimes@acme.test', THRESHOLD - 1);
    await login('sometimes@acme.test').expect(200);
    await failTimes('sometimes@acme.test', THRESHOLD - 1);
    await login('sometimes@acme.test').expect(200);
  });
});
