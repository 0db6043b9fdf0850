import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ensureBuilt, startBuiltServer, type RunningServer } from '../support/built-server.js';
import { freshEnvironment, logIn, seedWithCli } from './support/operator-fixture.js';

const ADMIN = { email: 'dana.admin@acme.example', role: 'Admin', password: 'admin-passphrase-7f3c9a1e' };
const AGENT = { email: 'lee.agent@acme.example', role: 'Employee', password: 'agent-passphrase-2b8d4e6f' };
const WRONG_PASSWORD = 'wrong-passphrase-9c1a7d3b';
const UNKNOWN_EMAIL = 'nobody.here@acme.example';
const SEARCHED_EMAIL = 'searched.person@acme.example';
const INVITED_EMAIL = 'new.colleague@acme.example';
const MAIL_LOG_MESSAGE = 'mail (log adapter, not delivered)';
/** Invitation (`mit_`) and password reset (`mpr_`) tokens: a prefix and 43 base64url characters. */
const ONE_TIME_TOKEN = /m(it|pr)_[A-Za-z0-9_-]{43}/;
const DESCRIPTION = 'Patient record 4711 cannot be opened';
const CORRELATION_ID = 'log-test-correlation-0001';

interface LogLine {
  level: string;
  context?: string;
  message: Record<string, unknown> | string;
}

describe('logs of an end-to-end run with NODE_ENV unset', () => {
  let server: RunningServer;
  const secrets: string[] = [];
  let lines: LogLine[] = [];
  let raw = '';

  beforeAll(async () => {
    ensureBuilt();
    const env = freshEnvironment({ MASALA_LOG_FORMAT: 'auto', MASALA_LOG_LEVEL: 'debug' });
    seedWithCli(env, 'acme', [ADMIN, AGENT]);
    // `npm start` without NODE_ENV is the default deployment, so the server runs without it.
    server = await startBuiltServer({ ...env, NODE_ENV: undefined });
    const base = server.baseUrl;
    const call = (path: string, init: RequestInit & { token?: string } = {}) =>
      fetch(`${base}${path}`, {
        ...init,
        headers: {
          'Content-Type': 'application/json',
          'X-Tenant-ID': 'acme',
          ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}),
          ...(init.headers as Record<string, string> | undefined),
        },
      });

    const admin = await logIn(base, 'acme', ADMIN.email, ADMIN.password);
    const agent = await logIn(base, 'acme', AGENT.email, AGENT.password);
    secrets.push(admin.accessToken, admin.refreshToken, agent.accessToken, agent.refreshToken);

    for (const email of [AGENT.email, AGENT.email, UNKNOWN_EMAIL]) {
      const failed = await call('/api/v1/auth/login', { method: 'POST', body: JSON.stringify({ email, password: WRONG_PASSWORD }) });
      expect(failed.status).toBe(401);
    }
    for (const title of ['VPN down', 'Mail bounces']) {
      const created = await call('/api/v1/tickets', {
        method: 'POST',
        token: agent.accessToken,
        headers: { 'X-Correlation-Id': CORRELATION_ID },
        body: JSON.stringify({ title, description: DESCRIPTION, customFields: { urgency: 'High' } }),
      });
      expect(created.status).toBe(201);
    }
    const search = await call(`/api/v1/tickets?q=${encodeURIComponent(SEARCHED_EMAIL)}`, { token: agent.accessToken });
    expect(search.status).toBe(200);
    const refreshed = await call('/api/v1/auth/refresh', {
      method: 'POST',
      body: JSON.stringify({ refreshToken: agent.refreshToken }),
    });
    expect(refreshed.status).toBe(200);
    const pair = (await refreshed.json()) as { accessToken: string; refreshToken: string };
    secrets.push(pair.accessToken, pair.refreshToken);
    const reused = await call('/api/v1/auth/refresh', { method: 'POST', body: JSON.stringify({ refreshToken: agent.refreshToken }) });
    expect(reused.status).toBe(401);
    const reset = await call('/api/v1/auth/password-reset/request', { method: 'POST', body: JSON.stringify({ email: AGENT.email }) });
    expect(reset.status).toBe(202);
    const invited = await call('/api/v1/users', {
      method: 'POST',
      token: admin.accessToken,
      body: JSON.stringify({ email: INVITED_EMAIL, roles: ['Customer'] }),
    });
    expect(invited.status).toBe(201);
    expect((await call('/api/v1/me', { token: admin.accessToken })).status).toBe(200);
    expect((await call('/api/v1/auth/logout', { method: 'POST', token: admin.accessToken })).status).toBe(204);
    expect((await call('/api/v1/me', { token: admin.accessToken })).status).toBe(401);

    server.process.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    raw = server.output();
    lines = raw
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as LogLine);
  }, 120_000);

  afterAll(() => {
    if (server.process.exitCode === null) server.process.kill('SIGKILL');
  });

  it('writes JSON lines when stdout is a pipe', () => {
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(typeof line.level).toBe('string');
  });

  it('logs one line per request with its fields', () => {
    const requests = lines.filter(
      (line) => typeof line.message === 'object' && line.message.message === 'request',
    ).map((line) => line.message as Record<string, unknown>);
    const created = requests.filter((entry) => entry.route === '/api/v1/tickets' && entry.status === 201);
    expect(created).toHaveLength(2);
    for (const entry of created) {
      expect(entry.correlationId).toBe(CORRELATION_ID);
      expect(entry.tenant).toBe('acme');
      expect(typeof entry.tenantId).toBe('string');
      expect(entry.actorType).toBe('user');
      expect(typeof entry.actorId).toBe('string');
      expect(entry.method).toBe('POST');
      expect(typeof entry.latencyMs).toBe('number');
    }
    const failedLogins = requests.filter((entry) => entry.route === '/api/v1/auth/login' && entry.status === 401);
    expect(failedLogins).toHaveLength(3);
  });

  it('contains no e-mail address, password or token', () => {
    const forbidden = [
      ADMIN.email,
      AGENT.email,
      UNKNOWN_EMAIL,
      SEARCHED_EMAIL,
      INVITED_EMAIL,
      encodeURIComponent(SEARCHED_EMAIL),
      ADMIN.password,
      AGENT.password,
      WRONG_PASSWORD,
      DESCRIPTION,
      ...secrets,
      ...secrets.map((token) => token.split('.').at(-1)!),
    ];
    for (const value of forbidden) {
      expect({ value, found: raw.includes(value) }).toEqual({ value, found: false });
    }
    expect(raw).not.toMatch(/@acme\.example/);
    expect(raw).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
    expect(raw).not.toMatch(ONE_TIME_TOKEN);
  });

  it('logs mail with token and address redacted', () => {
    const mails = lines
      .filter((line) => typeof line.message === 'object' && line.message.message === MAIL_LOG_MESSAGE)
      .map((line) => line.message as Record<string, unknown>);
    expect(mails.map((mail) => mail.template).sort()).toEqual(['invitation', 'password_reset']);
    for (const mail of mails) {
      expect(mail.to).toBe('[redacted]');
      expect(String(mail.text)).toContain('token: [redacted]');
      expect(String(mail.text)).not.toMatch(ONE_TIME_TOKEN);
    }
  });
});
