import { Logger } from '@nestjs/common';
import type { TenantStore } from './tenant-store.js';

interface CacheEntry {
  /** Resolves once the store is open and migrated; every caller of one tenant awaits the same one. */
  ready: Promise<TenantStore>;
  store?: TenantStore;
  leases: number;
  /** Milliseconds since the epoch of the last acquire or release, for idle eviction. */
  lastUsed: number;
  /** Order of the last use; unlike `lastUsed` it never ties, so the least recent is exact. */
  useOrder: number;
}

/** A store in use by one caller; `release` must be called exactly once when the work is done. */
export interface TenantStoreLease {
  store: TenantStore;
  release(): void;
}

export interface TenantStoreCacheStats {
  /** How many times a store was opened, per key, since the cache was created. */
  opened: Map<string, number>;
  evicted: number;
}

/**
 * A bounded cache of open tenant databases. Every TypeORM data source owns its own connections
 * and prepared statements, so the cache keeps at most `maxOpen` of them, counting those still
 * opening. A store in use (leased) is never closed: when the cache is full and every store is
 * leased, the next opening waits for a release. Concurrent first requests for one tenant share
 * one opening, so a store is never initialised twice at once.
 */
export class TenantStoreCache {
  private readonly logger = new Logger(TenantStoreCache.name);
  private readonly entries = new Map<string, CacheEntry>();
  private readonly closing = new Map<string, Promise<void>>();
  private waiters: Array<() => void> = [];
  private uses = 0;
  private stopped = false;
  readonly stats: TenantStoreCacheStats = { opened: new Map(), evicted: 0 };

  constructor(private readonly maxOpen: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** Leases the store of `key`, calling `open` when it is not open yet. */
  async acquire(key: string, open: () => Promise<TenantStore>): Promise<TenantStoreLease> {
    for (;;) {
      if (this.stopped) throw new Error('The tenant database cache is closed');
      const existing = this.entries.get(key);
      if (existing) return this.lease(key, existing);

      if (this.entries.size < this.maxOpen) return this.lease(key, this.startOpening(key, open));

      const idle = this.oldestIdle();
      if (idle) {
        await this.evict(idle);
        continue;
      }
      // NOTE: a caller that keeps one tenant's store leased while it opens another's can wait here
      // forever if every slot is leased that way. Handlers reach one tenant per unit of work.
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Closes every store left unused for longer than `idleMs`. */
  async evictIdle(idleMs: number): Promise<string[]> {
    const cutoff = Date.now() - idleMs;
    const idle = [...this.entries.entries()]
      .filter(([, entry]) => entry.leases === 0 && entry.store && entry.lastUsed < cutoff)
      .map(([key]) => key);
    for (const key of idle) await this.evict(key);
    return idle;
  }

  /** Closes one store now, unless it is in use; returns whether it was closed. */
  async close(key: string): Promise<boolean> {
    const entry = this.entries.get(key);
    if (!entry || entry.leases > 0 || !entry.store) return false;
    await this.evict(key);
    return true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const stores = await Promise.allSettled([...this.entries.values()].map((entry) => entry.ready));
    this.entries.clear();
    for (const outcome of stores) {
      if (outcome.status === 'fulfilled') await outcome.value.close();
    }
    await Promise.all(this.closing.values());
    this.wakeWaiters();
  }

  private startOpening(key: string, open: () => Promise<TenantStore>): CacheEntry {
    const entry = { leases: 0, lastUsed: Date.now(), useOrder: ++this.uses } as CacheEntry;
    entry.ready = this.openAfterClose(key, entry, open);
    // Without this handler a failed opening that no caller awaits any more would be unhandled.
    entry.ready.catch(() => undefined);
    this.entries.set(key, entry);
    return entry;
  }

  private async openAfterClose(
    key: string,
    entry: CacheEntry,
    open: () => Promise<TenantStore>,
  ): Promise<TenantStore> {
    // A store of this key that is still closing must finish before its file is opened again.
    await this.closing.get(key);
    const store = await open();
    this.stats.opened.set(key, (this.stats.opened.get(key) ?? 0) + 1);
    entry.store = store;
    return store;
  }

  private async lease(key: string, entry: CacheEntry): Promise<TenantStoreLease> {
    entry.leases += 1;
    let store: TenantStore;
    try {
      store = await entry.ready;
    } catch (error) {
      entry.leases -= 1;
      if (this.entries.get(key) === entry) this.entries.delete(key);
      this.wakeWaiters();
      throw error;
    }
    this.touch(entry);
    let released = false;
    return {
      store,
      release: () => {
        if (released) return;
        released = true;
        entry.leases -= 1;
        this.touch(entry);
        if (entry.leases === 0) this.wakeWaiters();
      },
    };
  }

  private touch(entry: CacheEntry): void {
    entry.lastUsed = Date.now();
    entry.useOrder = ++this.uses;
  }

  private oldestIdle(): string | undefined {
    let oldest: [string, CacheEntry] | undefined;
    for (const item of this.entries) {
      const entry = item[1];
      if (entry.leases > 0 || !entry.store) continue;
      if (!oldest || entry.useOrder < oldest[1].useOrder) oldest = item;
    }
    return oldest?.[0];
  }

  private async evict(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry?.store) return;
    this.entries.delete(key);
    this.stats.evicted += 1;
    const closed = entry.store
      .close()
      .catch((error: unknown) =>
        this.logger.error({ message: 'Closing a tenant database failed', key, error: String(error) }),
      )
      .finally(() => this.closing.delete(key));
    this.closing.set(key, closed);
    await closed;
    this.wakeWaiters();
  }

  private wakeWaiters(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
