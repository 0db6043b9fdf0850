import { beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, startBuiltServer } from '../support/built-server.js';
import { PROJECT_ROOT, TEST_PASSWORD } from '../support/test-app.js';
import { eventually, freshEnvironment, logIn, seedWithCli, SlowRequest } from './support/operator-fixture.js';

const METRICS_TOKEN = 'lifecycle-metrics-token-0123456789';
const SERVER_ENTRY = join(PROJECT_ROOT, 'dist/apps/api/src/main.js');

function runServerToExit(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SERVER_ENTRY], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, NODE_ENV: 'test', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function inFlight(baseUrl: string): Promise<number> {
  const response = await fetch(`${baseUrl}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
  const line = (await response.text()).split('\n').find((row) => row.startsWith('masala_http_requests_in_flight '));
  return Number(line?.split(' ')[1] ?? 0);
}

beforeAll(() => {
  ensureBuilt();
}, 120_000);

describe('start-up with invalid settings', () => {
  it('names every problem and exits 1', async () => {
    const result = await runServerToExit(
      freshEnvironment({ PORT: 'eighty', MASALA_TENANCY: 'galactic', MASALA_METRICS_TOKEN: 'short' }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PORT="eighty" is invalid: expected a whole number from 0 to 65535');
    expect(result.stderr).toContain('MASALA_TENANCY="galactic" is invalid: expected one of shared, isolated, database');
    expect(result.stderr).toContain('MASALA_METRICS_TOKEN is too short');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  });
});

describe('graceful shutdown on SIGTERM', () => {
  it('drains, finishes the request in flight and closes the databases', async () => {
    const env = freshEnvironment({ MASALA_METRICS_TOKEN: METRICS_TOKEN, MASALA_SHUTDOWN_TIMEOUT_MS: '30000' });
    seedWithCli(env, 'acme', [{ email: 'agent@acme.test', role: 'Employee', password: TEST_PASSWORD }]);
    const server = await startBuiltServer(env);
    const { accessToken } = await logIn(server.baseUrl, 'acme', 'agent@acme.test', TEST_PASSWORD);

    const slow = new SlowRequest(server.port, {
      path: '/api/v1/tickets',
      headers: { 'X-Tenant-ID': 'acme', Authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ title: 'Written while draining', description: 'x', customFields: { urgency: 'Low' } }),
    });
    // The scrape counts itself, so two requests in flight means the slow one has arrived.
    await eventually(async () => ((await inFlight(server.baseUrl)) >= 2 ? true : undefined), 'the slow request');

    server.process.kill('SIGTERM');
    const ready = await eventually(async () => {
      const response = await fetch(`${server.baseUrl}/health/ready`);
      return response.status === 503 ? ((await response.json()) as { draining: boolean }) : undefined;
    }, 'readiness to turn 503');
    expect(ready.draining).toBe(true);

    const live = await fetch(`${server.baseUrl}/health/live`);
    expect(live.status).toBe(200);
    const rejected = await fetch(`${server.baseUrl}/api/v1/tickets`, {
      headers: { 'X-Tenant-ID': 'acme', Authorization: `Bearer ${accessToken}` },
    });
    expect(rejected.status).toBe(503);
    expect(rejected.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(rejected.headers.get('retry-after')).toBe('1');
    expect(rejected.headers.get('x-correlation-id')).toBeTruthy();

    const finished = await slow.finish();
    expect(finished.status).toBe(201);
    expect(await server.exited).toBe(0);

    const wal = join(env.MASALA_DATA_DIR!, 'masala.sqlite-wal');
    expect(existsSync(wal) ? statSync(wal).size : 0).toBe(0);
    const database = new Database(join(env.MASALA_DATA_DIR!, 'masala.sqlite'), { readonly: true });
    const row = database.prepare('SELECT COUNT(*) AS count FROM tickets WHERE title = ?').get('Written while draining');
    database.close();
    expect(row).toEqual({ count: 1 });
    expect(server.output()).toContain('Shutdown complete');
  }, 60_000);

  it('gives up on requests still in flight after the timeout', async () => {
    const env = freshEnvironment({ MASALA_METRICS_TOKEN: METRICS_TOKEN, MASALA_SHUTDOWN_TIMEOUT_MS: '200' });
    seedWithCli(env, 'acme', [{ email: 'agent@acme.test', role: 'Employee', password: TEST_PASSWORD }]);
    const server = await startBuiltServer(env);
    const slow = new SlowRequest(server.port, {
      path: '/api/v1/auth/login',
      headers: { 'X-Tenant-ID': 'acme' },
      body: JSON.stringify({ email: 'agent@acme.test', password: TEST_PASSWORD }),
    });
    await eventually(async () => ((await inFlight(server.baseUrl)) >= 2 ? true : undefined), 'the slow request');

    server.process.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const aborted = await slow.finish();
    expect(aborted.status).toBe(0);
    expect(server.output()).toContain('Shutdown timeout reached');
    const wal = join(env.MASALA_DATA_DIR!, 'masala.sqlite-wal');
    expect(existsSync(wal) ? statSync(wal).size : 0).toBe(0);
  }, 60_000);
});
