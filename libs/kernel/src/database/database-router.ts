import { Logger } from '@nestjs/common';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import type { MasalaSettings } from '../settings/settings.js';
import { SnakeNamingStrategy } from './naming-strategy.js';
import { createSqliteDataSource, type SchemaDefinition } from './sqlite-data-source.js';
import { PostgresTenantStore, SqliteTenantStore, type TenantStore } from './tenant-store.js';

export type TenantPlacement = { storage: 'shared' | 'dedicated'; jurisdiction?: string };
export type PlacementResolver = (tenantId: string) => Promise<TenantPlacement>;

interface OpenStore {
  store: TenantStore;
  lastUsed: number;
}

/**
 * Finds the database that holds a tenant's rows. The catalog database holds the tenant registry
 * and every tenant of `shared` storage. A tenant with `dedicated` storage (every tenant in
 * `database` mode) has its own SQLite file, opened on demand and migrated when opened, in a
 * bounded cache that closes files left idle.
 */
export class DatabaseRouter {
  private readonly logger = new Logger(DatabaseRouter.name);
  private catalogStore?: TenantStore;
  private readonly open = new Map<string, OpenStore>();
  private readonly opening = new Map<string, Promise<TenantStore>>();
  private placement: PlacementResolver = async () => ({ storage: 'shared' });
  private evictionTimer?: NodeJS.Timeout;
  /** Maps a jurisdiction code to the folder that holds its tenants' files, where configured. */
  private jurisdictionFolders = new Map<string, string>();

  constructor(
    private readonly settings: MasalaSettings,
    private readonly schema: SchemaDefinition,
    private readonly onWriteWait?: (milliseconds: number) => void,
  ) {}

  async start(): Promise<void> {
    this.catalogStore = await this.openStore(this.catalogLocation());
    this.evictionTimer = setInterval(() => void this.evictIdle(), 30_000);
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

  async forTenant(tenantId: string): Promise<TenantStore> {
    if (this.settings.databaseUrl) return this.catalog();
    const placement = await this.placement(tenantId);
    const dedicated = this.settings.tenancy === 'database' || placement.storage === 'dedicated';
    if (!dedicated) return this.catalog();

    const cached = this.open.get(tenantId);
    if (cached) {
      cached.lastUsed = Date.now();
      return cached.store;
    }
    let pending = this.opening.get(tenantId);
    if (!pending) {
      pending = this.openDedicated(tenantId, placement.jurisdiction);
      this.opening.set(tenantId, pending);
    }
    try {
      return await pending;
    } finally {
      this.opening.delete(tenantId);
    }
  }

  /** The file of a tenant with its own database, whether or not it is open. */
  dedicatedFile(tenantId: string, jurisdiction?: string): string {
    const root =
      (jurisdiction && this.jurisdictionFolders.get(jurisdiction.toUpperCase())) ??
      join(this.settings.dataDir, 'tenants');
    return join(root, tenantId, 'masala.sqlite');
  }

  openTenantCount(): number {
    return this.open.size;
  }

  async closeTenant(tenantId: string): Promise<void> {
    const entry = this.open.get(tenantId);
    if (!entry) return;
    this.open.delete(tenantId);
    await entry.store.close();
  }

  async stop(): Promise<void> {
    if (this.evictionTimer) clearInterval(this.evictionTimer);
    const stores = [...this.open.values()].map((entry) => entry.store);
    this.open.clear();
    for (const store of stores) await store.close();
    await this.catalogStore?.close();
    this.catalogStore = undefined;
  }

  private catalogLocation(): string {
    return this.settings.databaseUrl ?? join(this.settings.dataDir, 'masala.sqlite');
  }

  private async openDedicated(tenantId: string, jurisdiction?: string): Promise<TenantStore> {
    while (this.open.size >= this.settings.maxOpenTenantDatabases) {
      const oldest = [...this.open.entries()].sort((a, b) => a[1].lastUsed - b[1].lastUsed)[0];
      if (!oldest) break;
      await this.closeTenant(oldest[0]);
    }
    const store = await this.openStore(this.dedicatedFile(tenantId, jurisdiction));
    this.open.set(tenantId, { store, lastUsed: Date.now() });
    this.logger.log({ message: 'Opened tenant database', tenantId, openDatabases: this.open.size });
    return store;
  }

  private async evictIdle(): Promise<void> {
    const cutoff = Date.now() - this.settings.tenantDatabaseIdleMs;
    for (const [tenantId, entry] of this.open) {
      if (entry.lastUsed < cutoff) {
        await this.closeTenant(tenantId);
        this.logger.log({ message: 'Closed idle tenant database', tenantId });
      }
    }
  }

  private async openStore(location: string): Promise<TenantStore> {
    if (this.settings.databaseUrl) {
      const dataSource = new DataSource({
        type: 'postgres',
        url: this.settings.databaseUrl,
        entities: this.schema.entities,
        migrations: this.schema.migrations,
        subscribers: this.schema.subscribers,
        synchronize: false,
        namingStrategy: new SnakeNamingStrategy(),
        extra: { max: 20 },
      });
      await dataSource.initialize();
      return new PostgresTenantStore('postgres', dataSource);
    }

    const common = {
      file: location,
      synchronous: this.settings.sqliteSynchronous,
      busyTimeoutMs: this.settings.sqliteBusyTimeoutMs,
    };
    const writer = createSqliteDataSource(common, this.schema);
    await writer.initialize();
    await writer.runMigrations({ transaction: 'each' });
    const reader = createSqliteDataSource({ ...common, readonly: true }, this.schema);
    await reader.initialize();
    return new SqliteTenantStore(location, writer, reader, this.onWriteWait, this.settings.writeBatchMax);
  }
}
