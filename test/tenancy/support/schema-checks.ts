import type Database from 'better-sqlite3';
import type pg from 'pg';

/**
 * Tables without tenant rows, the only ones exempt from the tenant rules, each with its reason.
 * A new table is a tenant table unless it is added here.
 */
export const PLATFORM_TABLES: Readonly<Record<string, string>> = {
  tenants: 'the tenant registry itself, in the catalog database',
  domain_config_versions: 'domain configuration files by hash, shared by every tenant that uses them',
  migrations: 'TypeORM bookkeeping of applied migrations',
};

/**
 * SQLite FTS5 tables: they carry tenant_id as an UNINDEXED column and cannot have a B-tree
 * index, so only the column is checked. Every search query filters tenant_id on the match.
 */
export const SQLITE_FULL_TEXT_TABLES: Readonly<Record<string, string>> = {
  ticket_search: 'FTS5 index of ticket search terms',
};

/**
 * PostgreSQL indexes that cannot lead with tenant_id, each with the tenant-led index that serves
 * the tenant filter of the same queries.
 */
export const POSTGRES_INDEX_EXEMPTIONS: Readonly<Record<string, string>> = {
  ticket_search_terms: 'GIN index on a tsvector; the tenant filter uses ticket_search_tenant_ticket and row-level security',
};

const FTS5_SHADOW_SUFFIXES = ['_data', '_idx', '_content', '_docsize', '_config'];

function isShadowOf(table: string, virtualTables: readonly string[]): boolean {
  return virtualTables.some((name) => FTS5_SHADOW_SUFFIXES.some((suffix) => table === `${name}${suffix}`));
}

/**
 * Lists every tenant-rule violation in a SQLite schema. A tenant table needs a NOT NULL tenant_id
 * and a primary key led by it, and every index, unique constraints and the primary key's own
 * index included, must have tenant_id as its first column.
 */
export function checkSqliteSchema(database: Database.Database): string[] {
  const problems: string[] = [];
  const objects = database
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`)
    .all() as Array<{ name: string; sql: string }>;
  const virtualTables = objects.filter((item) => /^CREATE VIRTUAL TABLE/i.test(item.sql)).map((item) => item.name);

  for (const { name, sql } of objects) {
    if (Object.hasOwn(PLATFORM_TABLES, name) || isShadowOf(name, virtualTables)) continue;
    const columns = database.prepare(`SELECT name, "notnull", pk FROM pragma_table_info(?)`).all(name) as Array<{
      name: string;
      notnull: number;
      pk: number;
    }>;
    const tenantColumn = columns.find((column) => column.name === 'tenant_id');
    if (!tenantColumn) {
      problems.push(`${name}: no tenant_id column`);
      continue;
    }
    if (/^CREATE VIRTUAL TABLE/i.test(sql)) {
      if (!Object.hasOwn(SQLITE_FULL_TEXT_TABLES, name)) problems.push(`${name}: virtual table not listed as full-text`);
      continue;
    }
    if (tenantColumn.notnull !== 1) problems.push(`${name}: tenant_id is nullable`);

    const primaryKey = columns.filter((column) => column.pk > 0).sort((a, b) => a.pk - b.pk);
    if (primaryKey.length === 0) problems.push(`${name}: no primary key`);
    else if (primaryKey[0]!.name !== 'tenant_id') {
      problems.push(`${name}: primary key (${primaryKey.map((column) => column.name).join(', ')}) not led by tenant_id`);
    }

    const indexes = database.prepare(`SELECT name, "unique", origin FROM pragma_index_list(?)`).all(name) as Array<{
      name: string;
      unique: number;
      origin: string;
    }>;
    for (const index of indexes) {
      const first = database.prepare(`SELECT name FROM pragma_index_info(?) WHERE seqno = 0`).get(index.name) as
        | { name: string | null }
        | undefined;
      if (first?.name !== 'tenant_id') {
        let kind = index.unique ? 'unique index' : 'index';
        if (index.origin === 'pk') kind = 'primary key index';
        problems.push(`${name}: ${kind} ${index.name} led by ${first?.name ?? 'an expression'}, not tenant_id`);
      }
    }
  }
  return problems;
}

/** Lists the tenant tables of a SQLite schema, the ones `checkSqliteSchema` applies its rules to. */
export function sqliteTenantTables(database: Database.Database): string[] {
  const objects = database
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`)
    .all() as Array<{ name: string }>;
  const virtualTables = Object.keys(SQLITE_FULL_TEXT_TABLES);
  return objects
    .map((item) => item.name)
    .filter((name) => !Object.hasOwn(PLATFORM_TABLES, name) && !isShadowOf(name, virtualTables))
    .sort();
}

interface PostgresTable {
  name: string;
  rls: boolean;
  force: boolean;
}

/**
 * Lists every tenant-rule violation in a PostgreSQL schema: the SQLite rules, plus row-level
 * security enabled and forced, and a policy that compares tenant_id with the transaction's
 * app.tenant_id setting for both reads (USING) and writes (WITH CHECK).
 */
export async function checkPostgresSchema(client: pg.ClientBase, schema = 'public'): Promise<string[]> {
  const problems: string[] = [];
  const tables = (
    await client.query<PostgresTable>(
      `SELECT c.relname AS name, c.relrowsecurity AS rls, c.relforcerowsecurity AS force
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY c.relname`,
      [schema],
    )
  ).rows;

  for (const table of tables) {
    if (Object.hasOwn(PLATFORM_TABLES, table.name)) continue;
    const column = (
      await client.query<{ nullable: string }>(
        `SELECT is_nullable AS nullable FROM information_schema.columns
          WHERE table_schema = $1 AND table_name = $2 AND column_name = 'tenant_id'`,
        [schema, table.name],
      )
    ).rows[0];
    if (!column) {
      problems.push(`${table.name}: no tenant_id column`);
      continue;
    }
    if (column.nullable !== 'NO') problems.push(`${table.name}: tenant_id is nullable`);
    problems.push(...(await checkPostgresIndexes(client, schema, table.name)));
    if (!table.rls) problems.push(`${table.name}: row-level security is not enabled`);
    if (!table.force) problems.push(`${table.name}: row-level security is not forced (the owner bypasses it)`);
    problems.push(...(await checkPostgresPolicies(client, schema, table.name)));
  }
  return problems;
}

async function checkPostgresIndexes(client: pg.ClientBase, schema: string, table: string): Promise<string[]> {
  const problems: string[] = [];
  const indexes = (
    await client.query<{ name: string; primary: boolean; unique: boolean; first: string | null }>(
      `SELECT ic.relname AS name, i.indisprimary AS primary, i.indisunique AS unique, a.attname AS first
         FROM pg_index i
         JOIN pg_class tc ON tc.oid = i.indrelid
         JOIN pg_namespace n ON n.oid = tc.relnamespace
         JOIN pg_class ic ON ic.oid = i.indexrelid
         LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
        WHERE n.nspname = $1 AND tc.relname = $2
        ORDER BY ic.relname`,
      [schema, table],
    )
  ).rows;
  if (!indexes.some((index) => index.primary)) problems.push(`${table}: no primary key`);
  for (const index of indexes) {
    if (index.first === 'tenant_id') continue;
    if (!index.primary && !index.unique && Object.hasOwn(POSTGRES_INDEX_EXEMPTIONS, index.name)) continue;
    let kind = index.unique ? 'unique index' : 'index';
    if (index.primary) kind = 'primary key';
    problems.push(`${table}: ${kind} ${index.name} led by ${index.first ?? 'an expression'}, not tenant_id`);
  }
  return problems;
}

async function checkPostgresPolicies(client: pg.ClientBase, schema: string, table: string): Promise<string[]> {
  const policies = (
    await client.query<{ name: string; command: string; permissive: string; qual: string | null; check: string | null }>(
      `SELECT policyname AS name, cmd AS command, permissive, qual, with_check AS check
         FROM pg_policies WHERE schemaname = $1 AND tablename = $2`,
      [schema, table],
    )
  ).rows;
  if (policies.length === 0) return [`${table}: no row-level security policy`];

  const problems: string[] = [];
  const isTenantFilter = (expression: string | null) =>
    expression !== null && /tenant_id/.test(expression) && /current_setting\('app\.tenant_id'/.test(expression);
  const guarding = policies.filter(
    (policy) => policy.command === 'ALL' && isTenantFilter(policy.qual) && isTenantFilter(policy.check),
  );
  if (guarding.length === 0) {
    problems.push(`${table}: no policy compares tenant_id with app.tenant_id for reads and writes`);
  }
  // A second permissive policy is OR-ed with the tenant policy and could let other rows through.
  for (const policy of policies) {
    if (policy.permissive === 'PERMISSIVE' && !guarding.includes(policy)) {
      problems.push(`${table}: permissive policy ${policy.name} is not a tenant filter and widens access`);
    }
  }
  return problems;
}
