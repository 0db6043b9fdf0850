import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { RateLimitRecord, RateLimitStorage } from './rate-limit-storage.js';

/**
 * One fixed window per key: INCR, set the window expiry on the first hit, and start a block
 * when the limit is passed and a block duration is configured. Returns hits, window time left
 * and block time left, in milliseconds. One script call is atomic, so instances never race.
 */
const INCREMENT_SCRIPT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
local blocked = redis.call('PTTL', KEYS[2])
if blocked < 0 then blocked = 0 end
if blocked == 0 and hits > tonumber(ARGV[2]) and tonumber(ARGV[3]) > 0 then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  blocked = tonumber(ARGV[3])
end
return {hits, ttl, blocked}
`;

/**
 * Takes one hit back from a window that still exists. DECR keeps the key's expiry, and a
 * missing key stays missing, so the script never creates a window without an expiry.
 */
const DECREMENT_SCRIPT = `
local hits = tonumber(redis.call('GET', KEYS[1]) or '0')
if hits > 0 then redis.call('DECR', KEYS[1]) end
return 0
`;

const KEY_PREFIX = 'masala:rate:';
/** Minimum time between two logged Redis failures, so an outage does not flood the log. */
const ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * Rate limit counters in Redis (ioredis 5), shared by every API instance that uses the same
 * REDIS_URL. The connection opens on the first counted request, so the CLI never connects.
 *
 * NOTE: when Redis cannot be reached the request is let through and the failure logged, so an
 * outage of Redis does not take the API down but leaves it without rate limits meanwhile.
 */
export class RedisRateLimitStorage implements RateLimitStorage, OnApplicationShutdown {
  private readonly logger = new Logger(RedisRateLimitStorage.name);
  private readonly redis: Redis;
  private lastErrorLoggedAt = 0;
  private failures = 0;

  constructor(url: string) {
    this.redis = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      enableAutoPipelining: true,
    });
    this.redis.on('error', (error: Error) => this.logFailure(error));
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<RateLimitRecord> {
    const hitsKey = hitsKeyOf(throttlerName, key);
    try {
      const [hits, windowLeft, blockLeft] = (await this.redis.eval(
        INCREMENT_SCRIPT,
        2,
        hitsKey,
        `${hitsKey}:blocked`,
        String(ttl),
        String(limit),
        String(blockDuration),
      )) as [number, number, number];
      const overLimit = hits > limit;
      const isBlocked = blockLeft > 0 || overLimit;
      return {
        totalHits: hits,
        timeToExpire: Math.ceil(windowLeft / 1000),
        isBlocked,
        timeToBlockExpire: isBlocked
          ? Math.ceil(Math.max(blockLeft, overLimit ? windowLeft : 0) / 1000)
          : 0,
      };
    } catch (error) {
      this.logFailure(error);
      return {
        totalHits: 0,
        timeToExpire: Math.ceil(ttl / 1000),
        isBlocked: false,
        timeToBlockExpire: 0,
      };
    }
  }

  async decrement(key: string, throttlerName: string): Promise<void> {
    try {
      await this.redis.eval(DECREMENT_SCRIPT, 1, hitsKeyOf(throttlerName, key));
    } catch (error) {
      this.logFailure(error);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.redis.status === 'ready') await this.redis.quit();
    else this.redis.disconnect();
  }

  private logFailure(error: unknown): void {
    this.failures += 1;
    const now = Date.now();
    if (now - this.lastErrorLoggedAt < ERROR_LOG_INTERVAL_MS) return;
    this.lastErrorLoggedAt = now;
    this.logger.error({
      message: 'Rate limit counters in Redis failed; requests are not limited meanwhile',
      error: error instanceof Error ? error.message : String(error),
      failures: this.failures,
    });
  }
}

function hitsKeyOf(throttlerName: string, key: string): string {
  return `${KEY_PREFIX}${throttlerName}:${key}`;
}
