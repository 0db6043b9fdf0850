import type { DataSource, EntityManager } from 'typeorm';
import { WriteQueue } from './write-queue.js';

/**
 * One physical database that holds the rows of one or more tenants. Writes go through `write`,
 * which owns the transaction; reads go through `read`, which sees committed data only.
 */
export interface TenantStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Where the data lives, for logs and backups: a file path or a connection name. */
  readonly location: string;
  write<T>(tenantId: string, work: (manager: EntityManager) => Promise<T>): Promise<T>;
  read<T>(tenantId: string, work: (manager: EntityManager) => Promise<T>): Promise<T>;
  /** The data source that owns writes, for migrations, backups and checks. */
  readonly writer: DataSource;
  close(): Promise<void>;
}

/**
 * SQLite store: one write connection behind a grouping queue, and a second, read-only connection
 * so that reads never see the uncommitted writes of an open batch (WAL gives each read a snapshot).
 */
export class SqliteTenantStore implements TenantStore {
  readonly kind = 'sqlite';
  readonly queue: WriteQueue;

  constructor(
    readonly location: string,
    readonly writer: DataSource,
    readonly reader: DataSource,
    onWait?: (milliseconds: number) => void,
    maxBatchSize = 64,
  ) {
    this.queue = new WriteQueue(writer, maxBatchSize, onWait);
  }

  write<T>(_tenantId: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.queue.run(work);
  }

  read<T>(_tenantId: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return work(this.reader.manager);
  }

  async close(): Promise<void> {
    await this.queue.close();
    if (this.reader.isInitialized) await this.reader.destroy();
    if (this.writer.isInitialized) {
      await this.writer.query('PRAGMA wal_checkpoint(TRUNCATE)').catch(() => undefined);
      await this.writer.destroy();
    }
  }
}

/**
 * PostgreSQL store: every unit of work, reads included, runs in its own transaction that sets
 * `app.tenant_id` with `set_config(..., true)`, so the row-level security policies see the tenant
 * and a pooled connection never carries it into the next request.
 */
export class PostgresTenantStore implements TenantStore {
  readonly kind = 'postgres';

  constructor(
    readonly location: string,
    readonly writer: DataSource,
  ) {}

  write<T>(tenantId: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.writer.transaction(async (manager) => {
      await manager.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
      return work(manager);
    });
  }

  read<T>(tenantId: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.writer.transaction(async (manager) => {
      await manager.query('SET TRANSACTION READ ONLY');
      await manager.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
      return work(manager);
    });
  }

  async close(): Promise<void> {
    if (this.writer.isInitialized) await this.writer.destroy();
  }
}
