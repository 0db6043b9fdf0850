import type { OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';

/**
 * The record that a ThrottlerStorage of @nestjs/throttler 6 returns, times in seconds. The
 * package does not export the type from its index.
 */
export interface RateLimitRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

/**
 * Counter storage with the @nestjs/throttler 6 ThrottlerStorage contract, plus `decrement`,
 * which that contract lacks.
 */
export interface RateLimitStorage extends ThrottlerStorage {
  increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    name: string,
  ): Promise<RateLimitRecord>;

  /**
   * Takes back one hit of a current window. Does nothing when the window has expired or has
   * no hits, so it never creates a window or drives a count below zero.
   */
  decrement(key: string, name: string): Promise<void>;
}

export const RATE_LIMIT_STORAGE = Symbol('RATE_LIMIT_STORAGE');

interface Window {
  hits: number;
  expiresAt: number;
}

const SWEEP_INTERVAL_MS = 60_000;

/**
 * Fixed-window counters in process memory, for a single instance. Blocking beyond the window
 * (blockDuration) is not supported: a request over the limit is refused until the window ends.
 */
export class MemoryRateLimitStorage implements RateLimitStorage, OnApplicationShutdown {
  private readonly windows = new Map<string, Window>();
  private readonly sweeper: NodeJS.Timeout;

  constructor() {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    _blockDuration: number,
    name: string,
  ): Promise<RateLimitRecord> {
    const now = Date.now();
    const id = `${name}:${key}`;
    let window = this.windows.get(id);
    if (window === undefined || window.expiresAt <= now) {
      window = { hits: 0, expiresAt: now + ttl };
      this.windows.set(id, window);
    }
    window.hits += 1;
    const secondsLeft = Math.ceil((window.expiresAt - now) / 1000);
    const isBlocked = window.hits > limit;
    return {
      totalHits: window.hits,
      timeToExpire: secondsLeft,
      isBlocked,
      timeToBlockExpire: isBlocked ? secondsLeft : 0,
    };
  }

  async decrement(key: string, name: string): Promise<void> {
    const window = this.windows.get(`${name}:${key}`);
    if (window !== undefined && window.expiresAt > Date.now() && window.hits > 0) window.hits -= 1;
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
    this.windows.clear();
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, window] of this.windows) {
      if (window.expiresAt <= now) this.windows.delete(id);
    }
  }
}
