import { describe, expect, it } from '@jest/globals';
import type { TenantStore } from './tenant-store.js';
import { TenantStoreCache } from './tenant-store-cache.js';

/** A store that records whether it is open; the cache only opens and closes stores. */
class FakeStore {
  closed = false;
  constructor(readonly location: string) {}
  async close(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    this.closed = true;
  }
}

function opener(log: string[], key: string, delay?: Promise<void>): () => Promise<TenantStore> {
  return async () => {
    log.push(key);
    await delay;
    return new FakeStore(key) as unknown as TenantStore;
  };
}

describe('TenantStoreCache', () => {
  it('opens a store once for concurrent first callers', async () => {
    const cache = new TenantStoreCache(4);
    const opened: string[] = [];
    const leases = await Promise.all(Array.from({ length: 20 }, () => cache.acquire('a', opener(opened, 'a'))));

    expect(opened).toEqual(['a']);
    expect(new Set(leases.map((lease) => lease.store)).size).toBe(1);
    expect(cache.stats.opened.get('a')).toBe(1);
    for (const lease of leases) lease.release();
  });

  it('never holds more stores than its bound', async () => {
    const cache = new TenantStoreCache(2);
    const opened: string[] = [];
    for (const key of ['a', 'b', 'c', 'd', 'e']) {
      const lease = await cache.acquire(key, opener(opened, key));
      expect(cache.size).toBeLessThanOrEqual(2);
      lease.release();
    }

    expect(opened).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(cache.size).toBe(2);
    expect(cache.stats.evicted).toBe(3);
  });

  it('evicts the least recently used store', async () => {
    const cache = new TenantStoreCache(2);
    const opened: string[] = [];
    const a = await cache.acquire('a', opener(opened, 'a'));
    const firstStore = a.store as unknown as FakeStore;
    a.release();
    (await cache.acquire('b', opener(opened, 'b'))).release();
    (await cache.acquire('a', opener(opened, 'a'))).release();
    (await cache.acquire('c', opener(opened, 'c'))).release();

    expect(firstStore.closed).toBe(false);
    expect(opened).toEqual(['a', 'b', 'c']);
  });

  it('never closes a leased store', async () => {
    const cache = new TenantStoreCache(1);
    const opened: string[] = [];
    const a = await cache.acquire('a', opener(opened, 'a'));
    let bOpened = false;
    const b = cache.acquire('b', opener(opened, 'b')).then((lease) => {
      bOpened = true;
      return lease;
    });
    await new Promise((resolve) => setImmediate(resolve));

    expect(bOpened).toBe(false);
    expect((a.store as unknown as FakeStore).closed).toBe(false);

    a.release();
    const leaseB = await b;
    expect((a.store as unknown as FakeStore).closed).toBe(true);
    expect(cache.size).toBe(1);
    leaseB.release();
  });

  it('counts stores still opening toward the bound', async () => {
    const cache = new TenantStoreCache(2);
    const opened: string[] = [];
    let finish!: () => void;
    const slow = new Promise<void>((resolve) => (finish = resolve));
    const pending = ['a', 'b', 'c'].map((key) => cache.acquire(key, opener(opened, key, slow)));
    await new Promise((resolve) => setImmediate(resolve));

    expect(opened).toEqual(['a', 'b']);
    finish();
    const [a, b] = await Promise.all(pending.slice(0, 2));
    a!.release();
    b!.release();
    (await pending[2]!).release();
    expect(opened).toEqual(['a', 'b', 'c']);
    expect(cache.size).toBe(2);
  });

  it('forgets a store whose opening failed', async () => {
    const cache = new TenantStoreCache(2);
    const failing = async (): Promise<TenantStore> => {
      throw new Error('disk full');
    };
    await expect(cache.acquire('a', failing)).rejects.toThrow('disk full');
    expect(cache.size).toBe(0);

    const opened: string[] = [];
    (await cache.acquire('a', opener(opened, 'a'))).release();
    expect(opened).toEqual(['a']);
  });

  it('closes stores idle past the limit', async () => {
    const cache = new TenantStoreCache(4);
    const opened: string[] = [];
    const a = await cache.acquire('a', opener(opened, 'a'));
    const b = await cache.acquire('b', opener(opened, 'b'));
    a.release();

    expect(await cache.evictIdle(-1)).toEqual(['a']);
    expect(cache.size).toBe(1);
    b.release();
    await cache.stop();
    expect((b.store as unknown as FakeStore).closed).toBe(true);
  });
});
