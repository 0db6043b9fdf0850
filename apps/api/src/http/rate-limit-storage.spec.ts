import { afterEach, describe, expect, it } from '@jest/globals';
import { MemoryRateLimitStorage } from './rate-limit-storage.js';

const WINDOW_MS = 60_000;

describe('MemoryRateLimitStorage', () => {
  let storage: MemoryRateLimitStorage;

  afterEach(() => {
    storage.onApplicationShutdown();
  });

  it('counts hits until the limit', async () => {
    storage = new MemoryRateLimitStorage();
    const first = await storage.increment('a', WINDOW_MS, 2, 0, 'client');
    const second = await storage.increment('a', WINDOW_MS, 2, 0, 'client');
    const third = await storage.increment('a', WINDOW_MS, 2, 0, 'client');
    expect(first.totalHits).toBe(1);
    expect(second.isBlocked).toBe(false);
    expect(third.isBlocked).toBe(true);
    expect(third.timeToBlockExpire).toBeGreaterThan(0);
  });

  it('decrement takes one hit back', async () => {
    storage = new MemoryRateLimitStorage();
    await storage.increment('a', WINDOW_MS, 5, 0, 'address');
    await storage.increment('a', WINDOW_MS, 5, 0, 'address');
    await storage.decrement('a', 'address');
    expect((await storage.increment('a', WINDOW_MS, 5, 0, 'address')).totalHits).toBe(2);
  });

  it('decrement never goes below zero', async () => {
    storage = new MemoryRateLimitStorage();
    await storage.increment('a', WINDOW_MS, 5, 0, 'address');
    await storage.decrement('a', 'address');
    await storage.decrement('a', 'address');
    expect((await storage.increment('a', WINDOW_MS, 5, 0, 'address')).totalHits).toBe(1);
  });

  it('decrement of an unknown key creates no window', async () => {
    storage = new MemoryRateLimitStorage();
    await storage.decrement('missing', 'address');
    expect((await storage.increment('missing', WINDOW_MS, 5, 0, 'address')).totalHits).toBe(1);
  });

  it('keeps names apart', async () => {
    storage = new MemoryRateLimitStorage();
    await storage.increment('a', WINDOW_MS, 5, 0, 'client');
    await storage.decrement('a', 'address');
    expect((await storage.increment('a', WINDOW_MS, 5, 0, 'client')).totalHits).toBe(2);
  });
});
