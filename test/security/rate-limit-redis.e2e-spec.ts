import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { RedisRateLimitStorage } from '../../apps/api/src/http/redis-rate-limit-storage.js';
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
  let steadyToken: string;

  beforeAll(async () => {
    await ensureRedis();
    dataDir = mkdtempSync(join(tmpdir(), 'masala-redis-'));
    const env = {
      REDIS_URL,
      MASALA_DATA_DIR: dataDir,
      MASALA_JWT_SECRET: 'a-shared-signing-secret-for-both-test-instances',
      MASALA_CLIENT_RATE_LIMIT_PER_MINUTE: String(CLIENT_LIMIT),
      MASALA_TRUSTED_PROXIES: 'loopback',
    };
    first = await startTestApp(env);
    const tenant = await first.createTenant('shared-limit');
    await first.createUser(tenant, 'agent@shared-limit.test', ['Employee']);
    await first.createUser(tenant, 'steady@shared-limit.test', ['Employee']);
    second = await startTestApp(env);
    token = await first.login('shared-limit', 'agent@shared-limit.test');
    steadyToken = await first.login('shared-limit', 'steady@shared-limit.test');
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

  it('counts failed authentication on both instances', async () => {
    const address = '198.51.100.30';
    // Verified requests from the address come first: they must leave its allowance whole.
    for (let index = 0; index < CLIENT_LIMIT; index += 1) {
      const instance = index % 2 === 0 ? first : second;
      const response = await instance.http
        .get('/api/v1/tickets')
        .set('X-Tenant-ID', 'shared-limit')
        .set('X-Forwarded-For', address)
        .set('Authorization', `Bearer ${steadyToken}`);
      expect(response.status).toBe(200);
    }
    const statuses: number[] = [];
    for (let index = 0; index < CLIENT_LIMIT + 1; index += 1) {
      const instance = index % 2 === 0 ? first : second;
      const response = await instance.http
        .get('/api/v1/tickets')
        .set('X-Tenant-ID', 'shared-limit')
        .set('X-Forwarded-For', address)
        .set('X-Api-Key', `mak_${'B'.repeat(43)}`);
      statuses.push(response.status);
    }
    expect(statuses).toEqual([...Array(CLIENT_LIMIT).fill(401), 429]);
  });
});

describe('RedisRateLimitStorage decrement', () => {
  let storage: RedisRateLimitStorage;
  let inspector: Redis;
  const key = `decrement-${crypto.randomUUID()}`;
  const redisKey = `masala:rate:address:${key}`;

  beforeAll(async () => {
    await ensureRedis();
    storage = new RedisRateLimitStorage(REDIS_URL);
    inspector = new Redis(REDIS_URL);
  });

  afterAll(async () => {
    await inspector.del(redisKey);
    await inspector.quit();
    await storage.onApplicationShutdown();
  });

  it('creates no key when none exists', async () => {
    await storage.decrement(key, 'address');
    expect(await inspector.exists(redisKey)).toBe(0);
  });

  it('takes one hit back and keeps the expiry', async () => {
    await storage.increment(key, 60_000, 5, 0, 'address');
    await storage.increment(key, 60_000, 5, 0, 'address');
    await storage.decrement(key, 'address');
    expect(await inspector.get(redisKey)).toBe('1');
    expect(await inspector.pttl(redisKey)).toBeGreaterThan(0);
  });

  it('never goes below zero', async () => {
    await storage.decrement(key, 'address');
    await storage.decrement(key, 'address');
    expect(await inspector.get(redisKey)).toBe('0');
    expect(await inspector.pttl(redisKey)).toBeGreaterThan(0);
  });
});
