import type Database from 'better-sqlite3';
import type { MixedList } from 'typeorm';

/** Table in a backup that contains the tenant's attachment files, still encrypted, in parts. */
export const ATTACHMENT_FILES_TABLE = 'backup_attachment_files';
/** TypeORM's table of applied migrations; a backup keeps it, so its schema version stays readable. */
export const MIGRATIONS_TABLE = 'migrations';
/** Platform table of domain configuration snapshots, keyed by version hash, without a tenant column. */
export const CONFIG_VERSIONS_TABLE = 'domain_config_versions';

/** Returns the names of the migrations applied to a database, oldest first. */
export function appliedMigrations(database: Database.Database): string[] {
  return database
    .prepare(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY timestamp ASC, id ASC`)
    .pluck()
    .all() as string[];
}

/** Returns the names of the migrations of this build, oldest first. */
export function knownMigrations(migrations: MixedList<unknown>): string[] {
  const classes = (Array.isArray(migrations) ? migrations : Object.values(migrations)) as Array<
    new () => { name?: string }
  >;
  return classes.map((Migration) => new Migration().name ?? Migration.name);
}

/**
 * Lists the tables and virtual tables (such as FTS5 indexes) of the main schema. Shadow tables
 * of virtual tables are left out, because SQLite maintains them through their virtual table.
 */
export function userTables(database: Database.Database): string[] {
  const rows = database.prepare('PRAGMA main.table_list').all() as Array<{ name: string; type: string }>;
  return rows
    .filter((row) => (row.type === 'table' || row.type === 'virtual') && !row.name.startsWith('sqlite_'))
    .map((row) => row.name)
    .sort();
}

export function columnsOf(database: Database.Database, table: string): string[] {
  const columns = database.prepare(`PRAGMA table_info("${table}")`).all() as Array<{ name: string }>;
  return columns.map((column) => column.name);
}

/** Lists the tables with a `tenant_id` column, which hold tenant data. */
export function tenantTables(database: Database.Database): string[] {
  return userTables(database).filter((table) => columnsOf(database, table).includes('tenant_id'));
}

/** Lists the FTS5 virtual tables, whose index must be rebuilt after rows were deleted. */
export function fts5Tables(database: Database.Database): string[] {
  const rows = database
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")
    .all() as Array<{ name: string; sql: string }>;
  return rows.filter((row) => /\bUSING\s+fts5\b/i.test(row.sql)).map((row) => row.name);
}

export function hasTable(database: Database.Database, table: string): boolean {
  return database.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
}

export function countRows(database: Database.Database, table: string, tenantId: string): number {
  return database.prepare(`SELECT COUNT(*) FROM "${table}" WHERE tenant_id = ?`).pluck().get(tenantId) as number;
}

const DATA_KEY_IN_ENVELOPE = /enc:v1:(dek\.[A-Za-z0-9_-]{1,128}\.v[0-9]+):/g;

/**
 * Collects the tenant data key ids (`dek.<tenant>.v<n>`) named by the encrypted values in the
 * tenant's rows. Envelopes are found in any text column, also inside JSON values. Subject keys
 * (`sk.`) are left out, because erasure destroys them on purpose.
 */
export function dataKeyIdsIn(database: Database.Database, tenantId: string): string[] {
  const found = new Set<string>();
  for (const table of tenantTables(database)) {
    const statement = database.prepare(`SELECT * FROM "${table}" WHERE tenant_id = ?`).raw();
    for (const row of statement.iterate(tenantId) as IterableIterator<unknown[]>) {
      for (const value of row) {
        if (typeof value !== 'string' || !value.includes('enc:v1:dek.')) continue;
        for (const match of value.matchAll(DATA_KEY_IN_ENVELOPE)) found.add(match[1]!);
      }
    }
  }
  return [...found].sort();
}
