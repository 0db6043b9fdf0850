import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { MasalaSettings } from '../settings/settings.js';
import { SnakeNamingStrategy } from './naming-strategy.js';
import {
  assertApplicationRole,
  currentRole,
  grantApplicationRole,
  MIGRATIONS_TABLE,
  PendingMigrationsError,
} from './postgres-roles.js';
import { createSqliteDataSource, restrictDatabaseFiles, type SchemaDefinition } from './sqlite-data-source.js';
import { PostgresTenantStore, SqliteTenantStore, type TenantStore } from './tenant-store.js';

/** Key of the session-level advisory lock that lets one instance at a time migrate the schema. */
const MIGRATION_LOCK_KEY = 7_362_951_804;

const logger = new Logger('DatabaseStartup');

/** Opens one SQLite file, migrates it, and returns its writer and read-only reader as a store. */
export async function openSqliteStore(
  settings: MasalaSettings,
  schema: SchemaDefinition,
  file: string,
  onWriteWait?: (milliseconds: number) => void,
): Promise<TenantStore> {
  const common = {
    file,
    synchronous: settings.sqliteSynchronous,
    busyTimeoutMs: settings.sqliteBusyTimeoutMs,
  };
  if (file !== ':memory:') restrictDatabaseFiles(file);
  const writer = createSqliteDataSource(common, schema);
  await writer.initialize();
  try {
    await writer.runMigrations({ transaction: 'each' });
  } catch (error) {
    await writer.destroy();
    throw error;
  }
  const reader = createSqliteDataSource({ ...common, readonly: true }, schema);
  await reader.initialize();
  return new SqliteTenantStore(file, writer, reader, onWriteWait, settings.writeBatchMax);
}

function postgresDataSource(url: string, schema: SchemaDefinition, poolSize: number): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: schema.entities,
    migrations: schema.migrations,
    subscribers: schema.subscribers,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsTransactionMode: 'each',
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
    extra: { max: poolSize, application_name: 'ticket-masala' },
  });
}

/**
 * Applies pending migrations as the owner role and grants the API role its table privileges.
 * An advisory lock keeps instances that start together from migrating at the same time.
 */
async function migrateAsOwner(url: string, schema: SchemaDefinition, appRole: string): Promise<void> {
  const owner = postgresDataSource(url, { ...schema, entities: [], subscribers: [] }, 2);
  await owner.initialize();
  const lock = owner.createQueryRunner();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await owner.runMigrations({ transaction: 'each' });
    await grantApplicationRole(owner, appRole);
    logger.log({ message: 'Migrated the PostgreSQL schema', applied: applied.length, appRole });
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.release();
    await owner.destroy();
  }
}

async function assertSchemaCurrent(dataSource: DataSource, role: string): Promise<void> {
  const [row] = (await dataSource.query('SELECT to_regclass($1) AS name', [MIGRATIONS_TABLE])) as Array<{
    name: string | null;
  }>;
  if (!row?.name || (await dataSource.showMigrations())) throw new PendingMigrationsError(role);
}

/**
 * Opens the PostgreSQL store as the API role. With MASALA_MIGRATION_DATABASE_URL set, the owner
 * role first applies pending migrations. Start-up then fails unless the schema is current and the
 * API role cannot bypass row-level security.
 */
export async function openPostgresStore(settings: MasalaSettings, schema: SchemaDefinition): Promise<TenantStore> {
  const dataSource = postgresDataSource(settings.databaseUrl!, schema, 20);
  await dataSource.initialize();
  try {
    const role = await currentRole(dataSource);
    if (settings.migrationDatabaseUrl) await migrateAsOwner(settings.migrationDatabaseUrl, schema, role);
    await assertApplicationRole(dataSource);
    await assertSchemaCurrent(dataSource, role);
    return new PostgresTenantStore(`postgres:${role}`, dataSource);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
}
