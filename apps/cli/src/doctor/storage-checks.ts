import Database from 'better-sqlite3';
import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { MasalaSettings } from '#kernel';
import { MASALA_SCHEMA } from '../../../api/src/schema.js';
import { errorMessage, fail, octalMode, ok, warn, type CheckResult } from './doctor-check.js';

const MIGRATIONS_TABLE = 'migrations';
const DATABASE_FILE = 'masala.sqlite';

export function checkDataFolder(settings: MasalaSettings): CheckResult[] {
  const folder = settings.dataDir;
  const stats = statSync(folder, { throwIfNoEntry: false });
  if (!stats) {
    return [warn('data folder', `${folder} does not exist yet`, `Start the API once, or create it: mkdir -m 700 ${folder}`)];
  }
  if (!stats.isDirectory()) {
    return [fail('data folder', `${folder} is not a folder`, 'Point MASALA_DATA_DIR at a folder')];
  }
  try {
    accessSync(folder, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch {
    return [fail('data folder', `${folder} is not writable by this user`, `chown -R "$(id -u)" ${folder}`)];
  }
  const mode = octalMode(stats.mode);
  if (stats.mode & 0o007) {
    return [
      fail('data folder', `${folder} is open to every user (mode ${mode}); it contains the databases and keys`, `chmod 700 ${folder}`),
    ];
  }
  if (stats.mode & 0o070) {
    return [warn('data folder', `${folder} is open to its group (mode ${mode})`, `chmod 700 ${folder}`)];
  }
  return [ok('data folder', `${folder} is private to its owner (mode ${mode})`)];
}

/** Names of every migration the code defines, in order. */
export function expectedMigrations(): string[] {
  const classes = MASALA_SCHEMA.migrations as unknown as Array<new () => { name?: string }>;
  return classes.map((Migration) => new Migration().name ?? Migration.name);
}

function compareMigrations(where: string, applied: string[], fix: string): CheckResult {
  const known = expectedMigrations();
  const pending = known.filter((name) => !applied.includes(name));
  const unknown = applied.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    return fail(
      'migrations',
      `${where} has migrations this version does not know: ${unknown.join(', ')}`,
      'Run the version of Ticket Masala that migrated it, or restore a backup made with this version',
    );
  }
  if (pending.length > 0) return fail('migrations', `${where} has ${pending.length} pending: ${pending.join(', ')}`, fix);
  return ok('migrations', `${where} is up to date (${applied.length} applied)`);
}

/** Lists every SQLite file of the instance: the catalog, then the dedicated tenant databases. */
function sqliteFiles(settings: MasalaSettings): string[] {
  const roots = [join(settings.dataDir, 'tenants'), ...Object.values(settings.jurisdictionFolders ?? {})];
  const tenantFiles = roots.flatMap((root) => {
    if (!existsSync(root)) return [];
    return readdirSync(root, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(root, entry.name, DATABASE_FILE))
      .filter((file) => existsSync(file));
  });
  return [join(settings.dataDir, DATABASE_FILE), ...tenantFiles];
}

const SQLITE_MIGRATION_FIX = 'Start the API once: it applies pending migrations when it opens each database';

function checkSqliteFile(file: string): CheckResult[] {
  let database: Database.Database;
  try {
    database = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    return [fail('database', `${file} cannot be opened: ${errorMessage(error)}`, 'Check the file permissions and free disk space')];
  }
  try {
    const integrity = database.pragma('quick_check', { simple: true });
    const results: CheckResult[] =
      integrity === 'ok'
        ? [ok('database', `${file} opens and passes quick_check`)]
        : [fail('database', `${file} fails quick_check: ${String(integrity)}`, 'Restore the tenant from its latest backup')];
    const hasTable = database
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
      .get(MIGRATIONS_TABLE);
    const applied = hasTable
      ? (database.prepare(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY id`).all() as Array<{ name: string }>).map(
          (row) => row.name,
        )
      : [];
    results.push(compareMigrations(file, applied, SQLITE_MIGRATION_FIX));
    return results;
  } catch (error) {
    return [fail('database', `${file} cannot be read: ${errorMessage(error)}`, 'Restore the tenant from its latest backup')];
  } finally {
    database.close();
  }
}

async function checkPostgres(url: string): Promise<CheckResult[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  const where = `PostgreSQL at ${new URL(url).host}`;
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    await client.end().catch(() => undefined);
    return [
      fail('database', `${where} is unreachable: ${errorMessage(error)}`, 'Check the host, port, credentials and database name in DATABASE_URL'),
    ];
  }
  try {
    const table = await client.query<{ exists: string | null }>('SELECT to_regclass($1) AS exists', [MIGRATIONS_TABLE]);
    const applied = table.rows[0]?.exists
      ? (await client.query<{ name: string }>(`SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY id`)).rows.map((row) => row.name)
      : [];
    return [
      ok('database', `${where} answers`),
      compareMigrations(
        where,
        applied,
        'Start the API once with MASALA_MIGRATION_DATABASE_URL set to the schema owner; it migrates at start-up',
      ),
    ];
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Opens every database read-only, never creating or migrating one. */
export async function checkDatabases(settings: MasalaSettings): Promise<CheckResult[]> {
  if (settings.databaseUrl) return checkPostgres(settings.databaseUrl);
  const [catalog, ...tenants] = sqliteFiles(settings);
  if (!existsSync(catalog!)) {
    return [warn('database', `${catalog} does not exist yet`, 'Start the API once; it creates and migrates the database')];
  }
  return [catalog!, ...tenants].flatMap((file) => checkSqliteFile(file));
}
