import { Logger } from '@nestjs/common';
import { join } from 'node:path';
import type { MasalaSettings } from '../settings/settings.js';
import { openPostgresStore, openSqliteStore } from './open-store.js';
import type { SchemaDefinition } from './sqlite-data-source.js';
import { TenantStoreCache, type TenantStoreLease } from './tenant-store-cache.js';
import type { TenantStore } from './tenant-store.js';

export type TenantPlacement = { storage: 'shared' | 'dedicated'; jurisdiction?: string };
export type PlacementResolver = (tenantId: string) => Promise<TenantPlacement>;

const EVICTION_INTERVAL_MS = 30_000;

/**
 * Finds the database that contains a tenant's rows. The catalog database contains the tenant
 * registry and every tenant of `shared` storage, and on PostgreSQL every tenant. A tenant with
 * `dedicated` storage (every tenant in `database` mode) has its own SQLite file, opened on demand
 * and migrated when opened, in a bounded cache that closes files left idle.
 */
export class DatabaseRouter {
  private readonly logger = new Logger(DatabaseRouter.name);
  private catalogStore?: TenantStore;
  private readonly dedicated: TenantStoreCache;
  private placement: PlacementResolver = async () => ({ storage: 'shared' });
  private evictionTimer?: NodeJS.Timeout;
  /** Maps a jurisdiction code to the folder of its tenants' files, where configured. */
  private jurisdictionFolders = new Map<string, string>();

  constructor(
    private readonly settings: MasalaSettings,
    private readonly schema: SchemaDefinition,
    private readonly onWriteWait?: (milliseconds: number) => void,
  ) {
    this.dedicated = new TenantStoreCache(settings.maxOpenTenantDatabases);
  }

  async start(): Promise<void> {
    this.catalogStore = this.settings.databaseUrl
      ? await openPostgresStore(this.settings, this.schema)
      : await openSqliteStore(this.settings, this.schema, this.catalogFile(), this.onWriteWait);
    const interval = Math.min(EVICTION_INTERVAL_MS, this.settings.tenantDatabaseIdleMs);
    this.evictionTimer = setInterval(() => void this.evictIdle(), interval);
    this.evictionTimer.unref();
  }

  setPlacementResolver(resolver: PlacementResolver): void {
    this.placement = resolver;
  }

  setJurisdictionFolders(folders: Record<string, string>): void {
    this.jurisdictionFolders = new Map(Object.entries(folders));
  }

  catalog(): TenantStore {
    if (!this.catalogStore) throw new Error('The database router has not been started');
    return this.catalogStore;
  }

  /** Returns whether the tenant's rows live in the catalog database, beside the tenant registry. */
  async isInCatalog(tenantId: string): Promise<boolean> {
    if (this.settings.databaseUrl) return true;
    if (this.settings.tenancy === 'database') return false;
    return (await this.placement(tenantId)).storage !== 'dedicated';
  }

  /**
   * Runs `work` with the store of the tenant. A dedicated store stays open, and is not evicted,
   * until `work` settles.
   */
  async withTenantStore<T>(tenantId: string, work: (store: TenantStore) => Promise<T>): Promise<T> {
    const lease = await this.lease(tenantId);
    try {
      return await work(lease.store);
    } finally {
      lease.release();
    }
  }

  /**
   * Returns the store of the tenant without holding it open.
   * NOTE: eviction may close a dedicated store returned here while the caller still uses it;
   * prefer `withTenantStore`.
   */
  async forTenant(tenantId: string): Promise<TenantStore> {
    const lease = await this.lease(tenantId);
    lease.release();
    return lease.store;
  }

  /** Returns the file of a tenant with its own database, whether or not it is open. */
  dedicatedFile(tenantId: string, jurisdiction?: string): string {
    const root =
      (jurisdiction && this.jurisdictionFolders.get(jurisdiction.toUpperCase())) ??
      join(this.settings.dataDir, 'tenants');
    return join(root, tenantId, 'masala.sqlite');
  }

  openTenantCount(): number {
    return this.dedicated.size;
  }

  /** Counts how many times the tenant's dedicated database was opened since start-up. */
  timesOpened(tenantId: string): number {
    return this.dedicated.stats.opened.get(tenantId) ?? 0;
  }

  /** Closes the tenant's dedicated database unless a request is using it; returns whether it closed. */
  closeTenant(tenantId: string): Promise<boolean> {
    return this.dedicated.close(tenantId);
  }

  async evictIdle(): Promise<void> {
    const closed = await this.dedicated.evictIdle(this.settings.tenantDatabaseIdleMs);
    for (const tenantId of closed) this.logger.log({ message: 'Closed idle tenant database', tenantId });
  }

  async stop(): Promise<void> {
    if (this.evictionTimer) clearInterval(this.evictionTimer);
    await this.dedicated.stop();
    await this.catalogStore?.close();
    this.catalogStore = undefined;
  }

  private async lease(tenantId: string): Promise<TenantStoreLease> {
    const catalog = this.catalog();
    if (this.settings.databaseUrl) return { store: catalog, release: () => undefined };
    const placement = await this.placement(tenantId);
    const dedicated = this.settings.tenancy === 'database' || placement.storage === 'dedicated';
    if (!dedicated) return { store: catalog, release: () => undefined };
    return this.dedicated.acquire(tenantId, () => this.openDedicated(tenantId, placement.jurisdiction));
  }

  private catalogFile(): string {
    return join(this.settings.dataDir, 'masala.sqlite');
  }

  private async openDedicated(tenantId: string, jurisdiction?: string): Promise<TenantStore> {
    const file = this.dedicatedFile(tenantId, jurisdiction);
    const store = await openSqliteStore(this.settings, this.schema, file, this.onWriteWait);
    this.logger.log({ message: 'Opened tenant database', tenantId, openDatabases: this.dedicated.size });
    return store;
  }
}
