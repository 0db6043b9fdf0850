import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource, type DataSourceOptions, type MixedList } from 'typeorm';
import type Database from 'better-sqlite3';
import type { SqliteSynchronous } from '../settings/settings.js';
import { SnakeNamingStrategy } from './naming-strategy.js';

export interface SchemaDefinition {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  subscribers: MixedList<Function>;
}

export interface SqliteOptions {
  file: string;
  synchronous: SqliteSynchronous;
  busyTimeoutMs: number;
  readonly?: boolean;
}

/**
 * Applies the pragmas the platform relies on. WAL lets reads run beside the single writer;
 * secure_delete overwrites deleted content so erased data leaves the file; FULL makes every
 * acknowledged commit survive power loss, NORMAL only a process crash.
 */
export function applySqlitePragmas(database: Database.Database, options: SqliteOptions): void {
  database.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
  if (!options.readonly) database.pragma('journal_mode = WAL');
  database.pragma(`synchronous = ${options.synchronous}`);
  database.pragma('foreign_keys = ON');
  database.pragma('secure_delete = ON');
  if (options.readonly) database.pragma('query_only = ON');
}

/** Owner-only mode of database files, which contain every record of their tenants. */
export const DATABASE_FILE_MODE = 0o600;

/**
 * Creates a database file with DATABASE_FILE_MODE before SQLite opens it, and narrows the mode of
 * an existing file and of its -wal and -shm files. SQLite creates -wal and -shm with the mode
 * of the database file (os_unix.c in SQLite 3.53), so new ones follow.
 */
export function restrictDatabaseFiles(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  try {
    closeSync(openSync(file, 'wx', DATABASE_FILE_MODE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(path)) chmodSync(path, DATABASE_FILE_MODE);
  }
}

export function createSqliteDataSource(options: SqliteOptions, schema: SchemaDefinition): DataSource {
  if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true, mode: 0o700 });
  const config: DataSourceOptions = {
    type: 'better-sqlite3',
    database: options.file,
    timeout: options.busyTimeoutMs,
    readonly: options.readonly ?? false,
    entities: schema.entities,
    migrations: schema.migrations,
    subscribers: schema.subscribers,
    migrationsTransactionMode: 'each',
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
    prepareDatabase: (database: Database.Database) => applySqlitePragmas(database, options),
  };
  return new DataSource(config);
}
