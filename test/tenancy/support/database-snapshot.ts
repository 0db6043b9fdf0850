import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import pg from 'pg';

/** One stored row: where it lives, its tenant (when the table has one) and a hash of its values. */
export interface SnapshotRow {
  table: string;
  tenantId?: string;
  values: Record<string, unknown>;
  hash: string;
}

/** Every row of every table, keyed by `<database>/<table>/<primary key or rowid>`. */
export type DatabaseSnapshot = Map<string, SnapshotRow>;

export type SnapshotSource = { kind: 'sqlite'; dataDir: string } | { kind: 'postgres'; url: string };

function normalize(_key: string, value: unknown): unknown {
  if (Buffer.isBuffer(value)) return `blob:${value.toString('base64')}`;
  if (value instanceof Date) return value.toISOString();
  return value;
}

function hashValues(values: Record<string, unknown>): string {
  const normalized = JSON.stringify(values, normalize);
  return createHash('sha256').update(normalized).digest('hex');
}

function sqliteFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...sqliteFiles(path));
    else if (entry.name.endsWith('.sqlite')) files.push(path);
  }
  return files.sort();
}

function snapshotSqliteFile(file: string, name: string, snapshot: DatabaseSnapshot): void {
  const database = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = database
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`)
      .all() as Array<{ name: string }>;
    for (const { name: table } of tables) {
      const columns = database.prepare('SELECT name, pk FROM pragma_table_info(?)').all(table) as Array<{
        name: string;
        pk: number;
      }>;
      const keyColumns = columns.filter((column) => column.pk > 0).sort((a, b) => a.pk - b.pk);
      const hasRowid = keyColumns.length === 0;
      const rows = database.prepare(`SELECT ${hasRowid ? 'rowid AS "__rowid", ' : ''}* FROM "${table}"`).all() as Array<
        Record<string, unknown>
      >;
      for (const row of rows) {
        const key = hasRowid ? [row['__rowid']] : keyColumns.map((column) => row[column.name]);
        const values = { ...row };
        delete values['__rowid'];
        snapshot.set(`${name}/${table}/${JSON.stringify(key)}`, {
          table,
          tenantId: typeof row['tenant_id'] === 'string' ? row['tenant_id'] : undefined,
          values,
          hash: hashValues(values),
        });
      }
    }
  } finally {
    database.close();
  }
}

/**
 * Reads every row of a PostgreSQL database. The connection must see all tenants' rows, so it
 * must belong to a role that bypasses row-level security (the tests use the local superuser).
 */
async function snapshotPostgres(url: string, snapshot: DatabaseSnapshot): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
    );
    for (const { name: table } of tables.rows) {
      const keys = await client.query<{ column: string }>(
        `SELECT a.attname AS column
           FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
          WHERE i.indrelid = $1::regclass AND i.indisprimary
          ORDER BY array_position(i.indkey, a.attnum)`,
        [`public."${table}"`],
      );
      const keyColumns = keys.rows.map((row) => row.column);
      const rows = await client.query<Record<string, unknown>>(`SELECT ctid::text AS "__ctid", * FROM "${table}"`);
      for (const row of rows.rows) {
        const values = { ...row };
        delete values['__ctid'];
        const key = keyColumns.length > 0 ? keyColumns.map((column) => row[column]) : [row['__ctid']];
        snapshot.set(`postgres/${table}/${JSON.stringify(key)}`, {
          table,
          tenantId: typeof row['tenant_id'] === 'string' ? row['tenant_id'] : undefined,
          values,
          hash: hashValues(values),
        });
      }
    }
  } finally {
    await client.end();
  }
}

/** Takes a snapshot of every row in the deployment's databases. */
export async function snapshotDatabase(source: SnapshotSource): Promise<DatabaseSnapshot> {
  const snapshot: DatabaseSnapshot = new Map();
  if (source.kind === 'postgres') {
    await snapshotPostgres(source.url, snapshot);
    return snapshot;
  }
  for (const file of sqliteFiles(source.dataDir)) snapshotSqliteFile(file, relative(source.dataDir, file), snapshot);
  return snapshot;
}

export interface SnapshotDifference {
  changed: SnapshotRow[];
  removed: SnapshotRow[];
  added: SnapshotRow[];
}

export function compareSnapshots(before: DatabaseSnapshot, after: DatabaseSnapshot): SnapshotDifference {
  const difference: SnapshotDifference = { changed: [], removed: [], added: [] };
  for (const [key, row] of before) {
    const now = after.get(key);
    if (!now) difference.removed.push(row);
    else if (now.hash !== row.hash) difference.changed.push(now);
  }
  for (const [key, row] of after) if (!before.has(key)) difference.added.push(row);
  return difference;
}

/** Hashes the rows of one tenant (and its registry row), for a before-and-after comparison. */
export function hashTenantRows(snapshot: DatabaseSnapshot, tenantId: string): string {
  const hash = createHash('sha256');
  const keys = [...snapshot.keys()].sort();
  for (const key of keys) {
    const row = snapshot.get(key)!;
    const belongs = row.tenantId === tenantId || (row.table === 'tenants' && row.values['id'] === tenantId);
    if (belongs) hash.update(`${key}=${row.hash}\n`);
  }
  return hash.digest('hex');
}

/** Audit actions the platform writes for refused requests into the requesting tenant's trail. */
export const DENIAL_AUDIT_ACTIONS = ['access.denied', 'access.denials_suppressed'];

/**
 * Describes each difference that is not an audit entry of a refused request by `callerTenantId`:
 * any changed or removed row, and any added row other than such an entry. Refused requests are
 * audited by design, so those entries are the only writes a refused request may cause.
 */
export function unexpectedChanges(difference: SnapshotDifference, callerTenantId: string): string[] {
  const describe = (kind: string, row: SnapshotRow) =>
    `${kind} ${row.table} row of tenant ${row.tenantId ?? '(none)'}: ${JSON.stringify(row.values).slice(0, 200)}`;
  const problems = [
    ...difference.changed.map((row) => describe('changed', row)),
    ...difference.removed.map((row) => describe('removed', row)),
  ];
  for (const row of difference.added) {
    const isDenial =
      row.table === 'audit_log_entries' &&
      row.tenantId === callerTenantId &&
      DENIAL_AUDIT_ACTIONS.includes(String(row.values['action']));
    if (!isDenial) problems.push(describe('added', row));
  }
  return problems;
}
