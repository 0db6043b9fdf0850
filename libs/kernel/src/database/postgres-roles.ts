import type { DataSource } from 'typeorm';

/** Raised at start-up when the API's PostgreSQL role could bypass row-level security. */
export class UnsafeDatabaseRoleError extends Error {
  constructor(
    readonly role: string,
    readonly problems: string[],
  ) {
    super(
      `The API refuses to start: its PostgreSQL role "${role}" could bypass row-level security.\n` +
        problems.map((problem) => `  - ${problem}`).join('\n') +
        '\nConnect DATABASE_URL as a role without SUPERUSER and BYPASSRLS that owns no tables, and ' +
        'run migrations as the owner role through MASALA_MIGRATION_DATABASE_URL.',
    );
  }
}

/** Raised at start-up when the schema is missing migrations that the API role may not apply. */
export class PendingMigrationsError extends Error {
  constructor(role: string) {
    super(
      `The database schema is not up to date and the API role "${role}" may not migrate it. ` +
        'Set MASALA_MIGRATION_DATABASE_URL to a connection of the role that owns the tables, so ' +
        'start-up applies the migrations, then start again.',
    );
  }
}

/** Table TypeORM records applied migrations in; the API role may only read it. */
export const MIGRATIONS_TABLE = 'migrations';

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export async function currentRole(dataSource: DataSource): Promise<string> {
  const [row] = (await dataSource.query('SELECT current_user AS role')) as Array<{ role: string }>;
  return row!.role;
}

/**
 * Lists every reason the connected role could read or change rows outside row-level security.
 * The reasons are SUPERUSER or BYPASSRLS on the role or on any role it can become, and ownership
 * (direct or through membership) of a table in the current schema, because owners may disable
 * the policies.
 */
export async function findRoleProblems(dataSource: DataSource): Promise<string[]> {
  const problems: string[] = [];
  const privileged = (await dataSource.query(
    `SELECT r.rolname AS role, r.rolsuper AS superuser, r.rolbypassrls AS bypass
       FROM pg_roles r
      WHERE (r.rolsuper OR r.rolbypassrls) AND pg_has_role(current_user, r.oid, 'MEMBER')
      ORDER BY r.rolname`,
  )) as Array<{ role: string; superuser: boolean; bypass: boolean }>;
  for (const row of privileged) {
    const attributes = [row.superuser ? 'SUPERUSER' : '', row.bypass ? 'BYPASSRLS' : ''].filter(Boolean);
    problems.push(`role "${row.role}" (the API role or one it is a member of) has ${attributes.join(' and ')}`);
  }

  const owned = (await dataSource.query(
    `SELECT c.relname AS "table", pg_get_userbyid(c.relowner) AS owner
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
        AND pg_has_role(current_user, c.relowner, 'MEMBER')
      ORDER BY c.relname`,
  )) as Array<{ table: string; owner: string }>;
  if (owned.length > 0) {
    const tables = owned.map((row) => `${row.table} (owner ${row.owner})`).join(', ');
    problems.push(`the API role owns, or is a member of the owner of, ${owned.length} table(s): ${tables}`);
  }
  return problems;
}

/** Rejects a role that could bypass row-level security, with every reason in one message. */
export async function assertApplicationRole(dataSource: DataSource): Promise<void> {
  const problems = await findRoleProblems(dataSource);
  if (problems.length > 0) throw new UnsafeDatabaseRoleError(await currentRole(dataSource), problems);
}

/**
 * Grants the API role the table privileges it needs, run as the owner after migrations. Every
 * table gets SELECT, INSERT, UPDATE and DELETE, never TRUNCATE, REFERENCES or TRIGGER, and the
 * migrations table is read-only. UPDATE and DELETE stay granted on
 * audit_log_entries because erasure rewrites personal data there: the append-only triggers, which
 * allow a change only inside a transaction holding an audit_rewrite_permits row, are the guard.
 */
export async function grantApplicationRole(owner: DataSource, appRole: string): Promise<void> {
  const [row] = (await owner.query('SELECT current_schema() AS schema')) as Array<{ schema: string }>;
  const schema = quoteIdentifier(row!.schema);
  const role = quoteIdentifier(appRole);
  const statements = [
    `GRANT USAGE ON SCHEMA ${schema} TO ${role}`,
    `REVOKE ALL ON ALL TABLES IN SCHEMA ${schema} FROM ${role}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${role}`,
    `REVOKE INSERT, UPDATE, DELETE ON ${schema}.${quoteIdentifier(MIGRATIONS_TABLE)} FROM ${role}`,
  ];
  for (const statement of statements) await owner.query(statement);
}
