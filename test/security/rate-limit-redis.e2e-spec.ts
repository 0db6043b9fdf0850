import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { PROJECT_ROOT, startTestApp, type TestApp } from '../support/test-app.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const CLIENT_LIMIT = 6;

/** Pings the local Redis, starting it with scripts/start-services.sh when the ping fails. */
async function ensureRedis(): Promise<void> {
  const ping = async (): Promise<boolean> => {
    const client = new Redis(REDIS_URL, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  };
  if (await ping()) return;
  execFileSync('bash', [join(PROJECT_ROOT, 'scripts/start-services.sh')], { stdio: 'ignore' });
  if (!(await ping()))
    throw new Error(`Redis at ${REDIS_URL} is not reachable; run scripts/start-services.sh`);
}

describe('rate limits shared through Redis', () => {
  let dataDir: string;
  let first: TestApp;
  let second: TestApp;
  let token: string;

  beforeAll(async () => {
    await ensureRedis();
    dataDir = mkdtempSync(join(tmpdir(), 'masala-redis-'));
    const env = {
      REDIS_URL,
      MASALA_DATA_DIR: dataDir,
      MASALA_JWT_SECRET: 'a-shared-signing-secret-for-both-test-instances',
      MASALA_CLIENT_RATE_LIMIT_PER_MINUTE: String(CLIENT_LIMIT),
    };
    first = await startTestApp(env);
    const tenant = await first.createTenant('shared-limit');
    await first.createUser(tenant, 'agent@shared-limit.test', ['Employee']);
    second = await startTestApp(env);
    token = await first.login('shared-limit', 'agent@shared-limit.test');
  });

  afterAll(async () => {
    await second?.close();
    await first?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('counts requests to both instances in one limit', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < CLIENT_LIMIT + 2; index += 1) {
      const instance = index % 2 === 0 ? first : second;
      const response = await instance.http
        .get('/api/v1/tickets')
        .set('X-Tenant-ID', 'shared-limit')
        .set('Authorization', `Bearer ${token}`);
      statuses.push(response.status);
    }
    expect(statuses).toEqual([...Array(CLIENT_LIMIT).fill(200), 429, 429]);
  });

  it('sends Retry-After from the shared window', async () => {
    const response = await second.http
      .get('/api/v1/tickets')
      .set('X-Tenant-ID', 'shared-limit')
      .set('Authorization', `Bearer ${token}`)
      .expect(429);
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(response.headers['retry-after'])).toBeLessThanOrEqual(60);
  });
});
