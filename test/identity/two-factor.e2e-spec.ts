import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { generate } from 'otplib';
import { RequestContext, SYSTEM_ACTOR } from '#kernel';
import { CreateTenantCommand, type Tenant } from '#tenancy';
import { RecoveryCode } from '../../libs/identity/src/domain/recovery-code.entity.js';
import { TEST_PASSWORD, startTestApp, type TestApp } from '../support/test-app.js';
import { auditEntries, readAsTenant, type ProblemBody } from './support/identity-helpers.js';

type Session = { accessToken: string; refreshToken?: string; twoFactorEnrolmentRequired?: boolean };

/** Generates the TOTP code `offsetSteps` 30-second steps from now. The server accepts one step either side. */
function codeAt(secret: string, offsetSteps = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSteps * 30 });
}

describe('two-factor sign-in', () => {
  let t: TestApp;
  let acme: Tenant;
  let strict: Tenant;
  let adminToken: string;

  const login = (email: string, extra: Record<string, string> = {}, tenant = 'acme') =>
    t.http.post('/api/v1/auth/login').set('X-Tenant-ID', tenant).send({ email, password: TEST_PASSWORD, ...extra });

  const post = (path: string, token: string, body: Record<string, unknown> = {}, tenant = 'acme') =>
    t.http.post(`/api/v1${path}`).set('X-Tenant-ID', tenant).set('Authorization', `Bearer ${token}`).send(body);

  /** Creates a user with two-factor sign-in enabled; returns the secret and recovery codes. */
  const enrolledUser = async (email: string, tenant: Tenant = acme, slug = 'acme') => {
    const userId = await t.createUser(tenant, email, ['Employee']);
    const token = await t.login(slug, email);
    const setup = await post('/auth/2fa/setup', token, {}, slug).expect(200);
    const secret = setup.body.secret as string;
    const enabled = await post('/auth/2fa/enable', token, { code: await codeAt(secret) }, slug).expect(200);
    return { userId, secret, recoveryCodes: enabled.body.recoveryCodes as string[], oldToken: token };
  };

  beforeAll(async () => {
    t = await startTestApp({ MASALA_LOCKOUT_THRESHOLD: '4' });
    acme = await t.createTenant('acme');
    strict = await RequestContext.run({ correlationId: 'test-strict', system: true }, () =>
      t.app.get(CommandBus).execute(
        new CreateTenantCommand({ slug: 'strict', name: 'Strict Org', settings: { mandatoryTwoFactor: true } }, SYSTEM_ACTOR),
      ),
    );
    await t.createUser(acme, 'admin@acme.test', ['Admin']);
    adminToken = await t.login('acme', 'admin@acme.test');
  });

  afterAll(async () => {
    await t.close();
  });

  it('returns a secret and an otpauth URI', async () => {
    await t.createUser(acme, 'setup@acme.test', ['Employee']);
    const token = await t.login('acme', 'setup@acme.test');
    const response = await post('/auth/2fa/setup', token).expect(200);
    expect(response.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(response.body.otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    expect(response.body.otpauthUri).toContain(`secret=${response.body.secret as string}`);
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('rejects a wrong enrolment code', async () => {
    await t.createUser(acme, 'typo@acme.test', ['Employee']);
    const token = await t.login('acme', 'typo@acme.test');
    await post('/auth/2fa/setup', token).expect(200);
    const response = await post('/auth/2fa/enable', token, { code: '000000' }).expect(400);
    expect((response.body as ProblemBody).errors[0]).toMatchObject({ field: 'code', rule: 'valid_code' });
    await login('typo@acme.test').expect(200);
  });

  it('enables with ten recovery codes and ends sessions', async () => {
    const { oldToken, recoveryCodes, userId } = await enrolledUser('enrolled@acme.test');
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    await t.http.get('/api/v1/me').set('X-Tenant-ID', 'acme').set('Authorization', `Bearer ${oldToken}`).expect(401);

    const stored = await readAsTenant(t, acme.id, (manager) => manager.find(RecoveryCode, { where: { tenantId: acme.id, userId } }));
    expect(stored).toHaveLength(10);
    for (const code of recoveryCodes) expect(JSON.stringify(stored)).not.toContain(code);
  });

  it('stores the secret encrypted', async () => {
    const { secret, userId } = await enrolledUser('encrypted@acme.test');
    const rows = (await readAsTenant(t, acme.id, (manager) =>
      manager.query('SELECT two_factor_secret AS stored FROM users WHERE tenant_id = ? AND id = ?', [acme.id, userId]),
    )) as Array<{ stored: string }>;
    expect(rows[0]?.stored).toMatch(/^enc:v1:/);
    expect(rows[0]?.stored).not.toContain(secret);
  });

  it('requires a code after the password', async () => {
    await enrolledUser('needs-code@acme.test');
    const missing = await login('needs-code@acme.test').expect(401);
    expect((missing.body as ProblemBody).type).toMatch(/two_factor_required$/);

    const wrongPassword = await t.http
      .post('/api/v1/auth/login')
      .set('X-Tenant-ID', 'acme')
      .send({ email: 'needs-code@acme.test', password: 'not-the-password-at-all' })
      .expect(401);
    expect((wrongPassword.body as ProblemBody).type).toMatch(/unauthenticated$/);
    expect((wrongPassword.body as ProblemBody).detail).toBe('Invalid credentials');
  });

  it('signs in with a code only once', async () => {
    const { secret } = await enrolledUser('totp@acme.test');
    const code = await codeAt(secret, 1);
    const session = (await login('totp@acme.test', { otp: code }).expect(200)).body as Session;
    expect(session.refreshToken).toBeDefined();
    const replay = await login('totp@acme.test', { otp: code }).expect(401);
    expect((replay.body as ProblemBody).detail).toBe('Invalid credentials');
  });

  it('rejects a wrong code as invalid credentials', async () => {
    await enrolledUser('wrong-code@acme.test');
    const response = await login('wrong-code@acme.test', { otp: '123456' }).expect(401);
    expect((response.body as ProblemBody).detail).toBe('Invalid credentials');
  });

  it('signs in with each recovery code once', async () => {
    const { recoveryCodes, userId } = await enrolledUser('recovery@acme.test');
    const code = recoveryCodes[0]!;
    await login('recovery@acme.test', { recoveryCode: code.toLowerCase() }).expect(200);
    await login('recovery@acme.test', { recoveryCode: code }).expect(401);
    const [used] = await auditEntries(t, 'acme', adminToken, { entityId: userId, action: 'auth.recovery_code_used' });
    expect(used?.newValues).toEqual({ remaining: 9 });
  });

  it('rejects a recovery code of another user', async () => {
    const first = await enrolledUser('first@acme.test');
    await enrolledUser('second@acme.test');
    await login('second@acme.test', { recoveryCode: first.recoveryCodes[0]! }).expect(401);
  });

  it('locks after repeated wrong codes', async () => {
    const { secret } = await enrolledUser('brute@acme.test');
    for (let attempt = 0; attempt < 4; attempt += 1) {
      await login('brute@acme.test', { otp: String(100000 + attempt) }).expect(401);
    }
    await login('brute@acme.test', { otp: await codeAt(secret, 1) }).expect(401);
  });

  it('disables with a code', async () => {
    const { secret, recoveryCodes } = await enrolledUser('disabler@acme.test');
    const session = (await login('disabler@acme.test', { recoveryCode: recoveryCodes[0]! }).expect(200)).body as Session;
    const wrong = await post('/auth/2fa/disable', session.accessToken, { code: '999999' }).expect(400);
    expect((wrong.body as ProblemBody).errors[0]).toMatchObject({ field: 'code', rule: 'valid_code' });

    await post('/auth/2fa/disable', session.accessToken, { code: await codeAt(secret, 1) }).expect(204);
    await t.http.get('/api/v1/me').set('X-Tenant-ID', 'acme').set('Authorization', `Bearer ${session.accessToken}`).expect(401);
    await login('disabler@acme.test').expect(200);
  });

  it('disables with a recovery code', async () => {
    const { recoveryCodes, secret } = await enrolledUser('off@acme.test');
    const session = (await login('off@acme.test', { otp: await codeAt(secret, 1) }).expect(200)).body as Session;
    await post('/auth/2fa/disable', session.accessToken, { code: recoveryCodes[3]! }).expect(204);
    await login('off@acme.test').expect(200);
  });

  it('audits every change of the second factor', async () => {
    const { recoveryCodes, secret, userId } = await enrolledUser('trail@acme.test');
    await login('trail@acme.test', { otp: '000001' }).expect(401);
    const session = (await login('trail@acme.test', { otp: await codeAt(secret, 1) }).expect(200)).body as Session;
    await post('/auth/2fa/disable', session.accessToken, { code: recoveryCodes[0]! }).expect(204);
    const actions = (await auditEntries(t, 'acme', adminToken, { entityId: userId })).map((entry) => entry.action);
    for (const action of [
      'auth.two_factor_setup_started',
      'auth.two_factor_enabled',
      'auth.two_factor_failed',
      'auth.two_factor_disabled',
    ]) {
      expect(actions).toContain(action);
    }
  });

  it('restricts an unenrolled Admin where it is mandatory', async () => {
    await t.createUser(strict, 'boss@strict.test', ['Admin']);
    const response = await login('boss@strict.test', {}, 'strict').expect(200);
    const session = response.body as Session;
    expect(session.twoFactorEnrolmentRequired).toBe(true);
    expect(session.refreshToken).toBeUndefined();

    const denied = await t.http
      .get('/api/v1/users')
      .set('X-Tenant-ID', 'strict')
      .set('Authorization', `Bearer ${session.accessToken}`)
      .expect(403);
    expect((denied.body as ProblemBody).detail).toContain('Two-factor sign-in is mandatory');
    const me = await t.http.get('/api/v1/me').set('X-Tenant-ID', 'strict').set('Authorization', `Bearer ${session.accessToken}`).expect(200);
    expect(me.body.twoFactorEnrolmentRequired).toBe(true);
    expect(me.body.permissions).toEqual([]);

    const setup = await post('/auth/2fa/setup', session.accessToken, {}, 'strict').expect(200);
    const secret = setup.body.secret as string;
    await post('/auth/2fa/enable', session.accessToken, { code: await codeAt(secret) }, 'strict').expect(200);
    const full = (await login('boss@strict.test', { otp: await codeAt(secret, 1) }, 'strict').expect(200)).body as Session;
    expect(full.twoFactorEnrolmentRequired).toBeUndefined();
    await t.http.get('/api/v1/users').set('X-Tenant-ID', 'strict').set('Authorization', `Bearer ${full.accessToken}`).expect(200);

    const refused = await post('/auth/2fa/disable', full.accessToken, { code: '123456' }, 'strict').expect(403);
    expect((refused.body as ProblemBody).detail).toContain('mandatory');
  });

  it('leaves other roles unrestricted where it is mandatory', async () => {
    await t.createUser(strict, 'clerk@strict.test', ['Employee']);
    const session = (await login('clerk@strict.test', {}, 'strict').expect(200)).body as Session;
    expect(session.refreshToken).toBeDefined();
    expect(session.twoFactorEnrolmentRequired).toBeUndefined();
  });
});

