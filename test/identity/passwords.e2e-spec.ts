import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Tenant } from '#tenancy';
import { UserToken } from '../../libs/identity/src/domain/user-token.entity.js';
import { TEST_PASSWORD, startTestApp, type TestApp } from '../support/test-app.js';
import { CapturingMailAdapter, tokenIn } from './support/capturing-mail.js';
import { PAST, auditEntries, readAsTenant, writeAsTenant, type ProblemBody } from './support/identity-helpers.js';

type TokenPair = { accessToken: string; refreshToken: string };

describe('passwords: change and reset', () => {
  const mail = new CapturingMailAdapter();
  let t: TestApp;
  let acme: Tenant;
  let adminToken: string;

  const login = (email: string, password = TEST_PASSWORD) =>
    t.http.post('/api/v1/auth/login').set('X-Tenant-ID', 'acme').send({ email, password });

  const changePassword = (token: string, body: Record<string, unknown>) =>
    t.http.post('/api/v1/auth/change-password').set('X-Tenant-ID', 'acme').set('Authorization', `Bearer ${token}`).send(body);

  const requestReset = (email: string, tenant = 'acme') =>
    t.http.post('/api/v1/auth/password-reset/request').set('X-Tenant-ID', tenant).send({ email });

  const confirmReset = (token: string, newPassword: string) =>
    t.http.post('/api/v1/auth/password-reset/confirm').set('X-Tenant-ID', 'acme').send({ token, newPassword });

  const resetTokenFor = async (email: string): Promise<string> => {
    const before = mail.messages.length;
    await requestReset(email).expect(202);
    return tokenIn(await mail.nextTo(email, 'password_reset', before));
  };

  const rules = (body: unknown) => (body as ProblemBody).errors.map((error) => `${error.field}:${error.rule}`);

  beforeAll(async () => {
    t = await startTestApp({ MASALA_LOCKOUT_THRESHOLD: '3' }, { mail });
    acme = await t.createTenant('acme');
    await t.createTenant('globex');
    await t.createUser(acme, 'admin@acme.test', ['Admin']);
    adminToken = await t.login('acme', 'admin@acme.test');
  });

  afterAll(async () => {
    await t.close();
  });

  it('changes the password and ends other sessions', async () => {
    const userId = await t.createUser(acme, 'changer@acme.test', ['Employee']);
    const other = (await login('changer@acme.test').expect(200)).body as TokenPair;
    const current = (await login('changer@acme.test').expect(200)).body as TokenPair;

    const response = await changePassword(current.accessToken, {
      currentPassword: TEST_PASSWORD,
      newPassword: 'my-second-long-passphrase',
    }).expect(200);
    expect(response.headers['cache-control']).toBe('no-store');

    const fresh = response.body as TokenPair;
    await t.http.get('/api/v1/me').set('X-Tenant-ID', 'acme').set('Authorization', `Bearer ${fresh.accessToken}`).expect(200);
    await t.http.get('/api/v1/me').set('X-Tenant-ID', 'acme').set('Authorization', `Bearer ${other.accessToken}`).expect(401);
    await login('changer@acme.test').expect(401);
    await login('changer@acme.test', 'my-second-long-passphrase').expect(200);
    const actions = (await auditEntries(t, 'acme', adminToken, { entityId: userId })).map((entry) => entry.action);
    expect(actions).toContain('auth.password_changed');
  });

  it('rejects a wrong current password', async () => {
    await t.createUser(acme, 'forgetful@acme.test', ['Employee']);
    const token = await t.login('acme', 'forgetful@acme.test');
    const response = await changePassword(token, {
      currentPassword: 'not-my-password-at-all',
      newPassword: 'my-second-long-passphrase',
    }).expect(400);
    expect(rules(response.body)).toEqual(['currentPassword:matches']);
    await login('forgetful@acme.test').expect(200);
  });

  it('locks after repeated wrong current passwords', async () => {
    await t.createUser(acme, 'guesser@acme.test', ['Employee']);
    const token = await t.login('acme', 'guesser@acme.test');
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await changePassword(token, { currentPassword: `wrong-guess-number-${attempt}`, newPassword: 'my-second-long-passphrase' }).expect(400);
    }
    await changePassword(token, { currentPassword: TEST_PASSWORD, newPassword: 'my-second-long-passphrase' }).expect(400);
    await login('guesser@acme.test').expect(401);
  });

  it('enforces the policy on the new password', async () => {
    await t.createUser(acme, 'policy@acme.test', ['Employee']);
    const token = await t.login('acme', 'policy@acme.test');
    const short = await changePassword(token, { currentPassword: TEST_PASSWORD, newPassword: 'tiny' }).expect(400);
    expect(rules(short.body)).toEqual(['newPassword:min_length']);
    const common = await changePassword(token, { currentPassword: TEST_PASSWORD, newPassword: 'iloveyou1234' }).expect(400);
    expect(rules(common.body)).toEqual(['newPassword:common_password']);
    const same = await changePassword(token, { currentPassword: TEST_PASSWORD, newPassword: TEST_PASSWORD }).expect(400);
    expect(rules(same.body)).toEqual(['newPassword:changed']);
  });

  it('answers a reset request alike for any address', async () => {
    await t.createUser(acme, 'known@acme.test', ['Employee']);
    const before = mail.messages.length;
    const known = await requestReset('known@acme.test').expect(202);
    const unknown = await requestReset('nobody@acme.test').expect(202);
    const otherTenant = await requestReset('admin@acme.test', 'globex').expect(202);
    expect(known.body).toEqual({ status: 'accepted' });
    expect(unknown.body).toEqual(known.body);
    expect(otherTenant.body).toEqual(known.body);

    const message = await mail.nextTo('known@acme.test', 'password_reset', before);
    expect(message.tenantId).toBe(acme.id);
    const recipients = mail.messages.slice(before).map((sent) => sent.to);
    expect(recipients).not.toContain('nobody@acme.test');
    expect(recipients).not.toContain('admin@acme.test');
  });

  it('resets the password once with the token', async () => {
    const userId = await t.createUser(acme, 'resetter@acme.test', ['Employee']);
    const session = (await login('resetter@acme.test').expect(200)).body as TokenPair;
    const token = await resetTokenFor('resetter@acme.test');

    const weak = await confirmReset(token, 'qwerty123456').expect(400);
    expect(rules(weak.body)).toEqual(['newPassword:common_password']);
    await confirmReset(token, 'a-reset-passphrase-that-is-long').expect(204);

    await login('resetter@acme.test', 'a-reset-passphrase-that-is-long').expect(200);
    await login('resetter@acme.test').expect(401);
    await t.http.get('/api/v1/me').set('X-Tenant-ID', 'acme').set('Authorization', `Bearer ${session.accessToken}`).expect(401);
    const reused = await confirmReset(token, 'yet-another-long-passphrase').expect(400);
    expect(rules(reused.body)).toEqual(['token:valid_token']);

    const actions = (await auditEntries(t, 'acme', adminToken, { entityId: userId })).map((entry) => entry.action);
    expect(actions).toContain('auth.password_reset_requested');
    expect(actions).toContain('auth.password_reset');
  });

  it('stores reset tokens only as hashes', async () => {
    const userId = await t.createUser(acme, 'hashed@acme.test', ['Employee']);
    const token = await resetTokenFor('hashed@acme.test');
    const stored = await readAsTenant(t, acme.id, (manager) =>
      manager.find(UserToken, { where: { tenantId: acme.id, userId } }),
    );
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(stored[0]?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rejects an expired reset token', async () => {
    const userId = await t.createUser(acme, 'slow@acme.test', ['Employee']);
    const token = await resetTokenFor('slow@acme.test');
    await writeAsTenant(t, acme.id, (manager) => manager.update(UserToken, { tenantId: acme.id, userId }, { expiresAt: PAST }));
    const response = await confirmReset(token, 'a-reset-passphrase-that-is-long').expect(400);
    expect(rules(response.body)).toEqual(['token:valid_token']);
    await login('slow@acme.test').expect(200);
  });

  it('rejects an invitation token for a reset', async () => {
    await t.http
      .post('/api/v1/users')
      .set('X-Tenant-ID', 'acme')
      .set('Authorization', `Bearer ${adminToken}`)
      .send({ email: 'crossover@acme.test', roles: ['Customer'] })
      .expect(201);
    const invitation = tokenIn(await mail.next((sent) => sent.to === 'crossover@acme.test'));
    await confirmReset(invitation, 'a-reset-passphrase-that-is-long').expect(400);
  });

  it('lifts a lockout on reset', async () => {
    await t.createUser(acme, 'locked@acme.test', ['Employee']);
    for (let attempt = 0; attempt < 3; attempt += 1) await login('locked@acme.test', `wrong-guess-${attempt}`).expect(401);
    await login('locked@acme.test').expect(401);

    const token = await resetTokenFor('locked@acme.test');
    await confirmReset(token, 'a-reset-passphrase-that-is-long').expect(204);
    await login('locked@acme.test', 'a-reset-passphrase-that-is-long').expect(200);
  });

  it('sends no second reset within a minute', async () => {
    await t.createUser(acme, 'impatient@acme.test', ['Employee']);
    const first = await resetTokenFor('impatient@acme.test');
    const before = mail.messages.length;
    await requestReset('impatient@acme.test').expect(202);
    await requestReset('known-later@acme.test').expect(202);
    await t.createUser(acme, 'sentinel@acme.test', ['Employee']);
    await resetTokenFor('sentinel@acme.test');
    const recipients = mail.messages.slice(before).map((sent) => sent.to);
    expect(recipients).toEqual(['sentinel@acme.test']);
    await confirmReset(first, 'a-reset-passphrase-that-is-long').expect(204);
  });

  it('requires a tenant for a reset request', async () => {
    const response = await t.http.post('/api/v1/auth/password-reset/request').send({ email: 'known@acme.test' }).expect(400);
    expect(rules(response.body)).toEqual(['X-Tenant-ID:required']);
  });
});
