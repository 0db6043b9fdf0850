import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_ENTRY, ensureBuilt, runCli, startBuiltServer, type RunningServer } from '../support/built-server.js';
import { PROJECT_ROOT, TEST_PASSWORD } from '../support/test-app.js';
import { integrityCheck, openRaw } from './sqlite-checks.js';

const WRITERS = 64;
const DURATION_MS = 3_000;

describe('64 concurrent writers', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let server: RunningServer;

  beforeAll(async () => {
    ensureBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'masala-load-'));
    // The limits stay on but far above what 64 writers send in 3 s: this test is about the write path.
    env = {
      MASALA_DATA_DIR: dataDir,
      MASALA_RATE_LIMIT_PER_MINUTE: '1000000',
      MASALA_CLIENT_RATE_LIMIT_PER_MINUTE: '1000000',
    };
    expect(runCli(['tenant', 'create', 'acme', '--name', 'Acme'], env).code).toBe(0);
    const created = runCli(
      ['user', 'create', 'agent@acme.test', '--tenant', 'acme', '--role', 'Employee', '--password-stdin'],
      env,
      TEST_PASSWORD,
    );
    expect(created.code).toBe(0);
    server = await startBuiltServer(env);
  }, 60_000);

  afterAll(async () => {
    server.process.kill('SIGTERM');
    await server.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores every 2xx once with no 5xx', async () => {
    const login = await fetch(`${server.baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tenant-id': 'acme' },
      body: JSON.stringify({ email: 'agent@acme.test', password: TEST_PASSWORD }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const statuses = new Map<number, number>();
    const acknowledged: string[] = [];
    const serverErrors: string[] = [];
    const deadline = Date.now() + DURATION_MS;

    // Another process writes to the same database meanwhile, so the API must wait on the lock.
    const cliWriter = spawn(
      process.execPath,
      [CLI_ENTRY, 'user', 'create', 'other@acme.test', '--tenant', 'acme', '--role', 'Customer'],
      { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: 'ignore' },
    );
    const cliExit = new Promise<number | null>((resolve) => cliWriter.once('exit', resolve));

    const writer = async (writerIndex: number) => {
      for (let sequence = 0; Date.now() < deadline; sequence += 1) {
        const marker = `load ${writerIndex}-${sequence}`;
        const response = await fetch(`${server.baseUrl}/api/v1/tickets`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-tenant-id': 'acme',
            authorization: `Bearer ${accessToken}`,
          },
          body: JSON.stringify({ title: marker, description: 'x', customFields: { urgency: 'Low' } }),
        });
        const body = await response.text();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status >= 500) serverErrors.push(body);
        if (response.status === 201) acknowledged.push(marker);
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, (_, index) => writer(index)));
    expect(await cliExit).toBe(0);

    expect(serverErrors).toEqual([]);
    expect([...statuses.keys()]).toEqual([201]);
    expect(server.output()).not.toMatch(/SQLITE_BUSY/);

    const database = openRaw(join(dataDir, 'masala.sqlite'));
    try {
      expect(integrityCheck(database)).toBe('ok');
      const rows = database
        .prepare(`SELECT title, COUNT(*) AS copies FROM tickets WHERE title LIKE 'load %' GROUP BY title`)
        .all() as Array<{ title: string; copies: number }>;
      expect(rows.filter((row) => row.copies !== 1)).toEqual([]);
      expect(rows.map((row) => row.title).sort()).toEqual([...acknowledged].sort());
    } finally {
      database.close();
    }
  }, 60_000);
});
