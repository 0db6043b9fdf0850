import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, runCli, startBuiltServer } from '../support/built-server.js';
import { TEST_PASSWORD } from '../support/test-app.js';
import { integrityCheck, openRaw } from './sqlite-checks.js';

const CRASHES = 20;
const CONCURRENT_CLIENTS = 8;

/** Seeded pseudo-random numbers, so a failing run can be repeated with the printed seed. */
function randomFrom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

async function logIn(baseUrl: string, email: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tenant-id': 'acme' },
    body: JSON.stringify({ email, password: TEST_PASSWORD }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

/** Recomputes the tenant's audit chain through the product's own verification route. */
async function verifyAuditChain(baseUrl: string): Promise<{ valid: boolean; entries: number }> {
  const token = await logIn(baseUrl, 'auditor@acme.test');
  const response = await fetch(`${baseUrl}/api/v1/audit/verify`, {
    headers: { 'x-tenant-id': 'acme', authorization: `Bearer ${token}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { valid: boolean; entries: number };
}

describe('crash recovery under SIGKILL', () => {
  let dataDir: string;
  let env: Record<string, string>;
  const acknowledged = new Set<string>();

  beforeAll(() => {
    ensureBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'masala-crash-'));
    env = { MASALA_DATA_DIR: dataDir, MASALA_SQLITE_SYNCHRONOUS: 'FULL' };
    expect(runCli(['tenant', 'create', 'acme', '--name', 'Acme'], env).code).toBe(0);
    const user = runCli(
      ['user', 'create', 'agent@acme.test', '--tenant', 'acme', '--role', 'Employee', '--password-stdin'],
      env,
      TEST_PASSWORD,
    );
    expect(user.code).toBe(0);
    const auditor = runCli(
      ['user', 'create', 'auditor@acme.test', '--tenant', 'acme', '--role', 'ComplianceOfficer', '--password-stdin'],
      env,
      TEST_PASSWORD,
    );
    expect(auditor.code).toBe(0);
  });

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged ticket across 20 kills', async () => {
    const seed = Number(process.env.MASALA_CRASH_SEED ?? Date.now() % 1_000_000);
    const random = randomFrom(seed);
    process.stdout.write(`crash-recovery seed: ${seed} (set MASALA_CRASH_SEED to repeat)\n`);

    for (let crash = 0; crash < CRASHES; crash += 1) {
      const server = await startBuiltServer(env);
      let accessToken: string;
      try {
        // The chain as the previous kill left it, recovered from the WAL by this start.
        const chain = await verifyAuditChain(server.baseUrl);
        expect(chain.valid).toBe(true);
        accessToken = await logIn(server.baseUrl, 'agent@acme.test');
      } catch (error) {
        server.process.kill('SIGKILL');
        throw new Error(`${String(error)}\nserver output:\n${server.output().slice(-2000)}`);
      }

      let running = true;
      const client = async () => {
        while (running) {
          const response = await fetch(`${server.baseUrl}/api/v1/tickets`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-tenant-id': 'acme',
              authorization: `Bearer ${accessToken}`,
            },
            body: JSON.stringify({ title: `crash ${crash}`, description: 'x', customFields: { urgency: 'Low' } }),
          }).catch(() => undefined);
          if (response?.status === 201) acknowledged.add(((await response.json()) as { id: string }).id);
          else if (response) await response.arrayBuffer();
        }
      };
      const clients = Array.from({ length: CONCURRENT_CLIENTS }, client);
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.floor(random() * 500)));
      server.process.kill('SIGKILL');
      await server.exited;
      running = false;
      await Promise.all(clients);

      const database = openRaw(join(dataDir, 'masala.sqlite'));
      try {
        expect(integrityCheck(database)).toBe('ok');
        const stored = new Set(database.prepare('SELECT id FROM tickets').pluck().all() as string[]);
        const lost = [...acknowledged].filter((id) => !stored.has(id));
        expect(lost).toEqual([]);
      } finally {
        database.close();
      }
    }

    const last = await startBuiltServer(env);
    const chain = await verifyAuditChain(last.baseUrl);
    last.process.kill('SIGTERM');
    await last.exited;
    expect(chain.valid).toBe(true);
    expect(acknowledged.size).toBeGreaterThan(CRASHES);
    process.stdout.write(`crash-recovery: ${acknowledged.size} tickets acknowledged, all present after ${CRASHES} kills\n`);
  }, 240_000);
});
