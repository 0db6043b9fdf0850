import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import pg from 'pg';
import { PROJECT_ROOT } from '../../support/test-app.js';

const HOST = '127.0.0.1';
const PORT = 5432;
export const OWNER_ROLE = 'masala_owner';
export const APP_ROLE = 'masala_app';
/** Superuser of the local test cluster (trust authentication), used only to create test roles. */
export const SUPERUSER_ROLE = 'postgres';

export function postgresUrl(role: string, database: string): string {
  return `postgres://${role}@${HOST}:${PORT}/${database}`;
}

export type PostgresAvailability = { available: true } | { available: false; reason: string };

function commandExists(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

function serverBinariesPresent(): boolean {
  if (commandExists('postgres') || commandExists('pg_ctl') || commandExists('pg_ctlcluster')) return true;
  const root = '/usr/lib/postgresql';
  return existsSync(root) && readdirSync(root).some((version) => existsSync(`${root}/${version}/bin/postgres`));
}

function serverAnswers(): boolean {
  return spawnSync('pg_isready', ['-h', HOST, '-p', String(PORT), '-q'], { stdio: 'ignore' }).status === 0;
}

let availability: Promise<PostgresAvailability> | undefined;

/**
 * Makes sure the local PostgreSQL runs with the roles and test database the suites use, by
 * running scripts/start-services.sh (idempotent) once per test file. Returns unavailable only
 * when the PostgreSQL binaries are not installed. A server that is installed but cannot be
 * started throws, so the suite fails instead of skipping.
 */
export function ensurePostgres(): Promise<PostgresAvailability> {
  availability ??= (async (): Promise<PostgresAvailability> => {
    if (!serverBinariesPresent() || !commandExists('psql') || !commandExists('pg_isready')) {
      return { available: false, reason: 'the PostgreSQL server binaries (postgres, psql, pg_isready) are not installed' };
    }
    execFileSync('bash', [`${PROJECT_ROOT}scripts/start-services.sh`], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (!serverAnswers()) {
      throw new Error(`PostgreSQL is installed but does not answer on ${HOST}:${PORT} after scripts/start-services.sh`);
    }
    return { available: true };
  })();
  return availability;
}

/** Logs why a PostgreSQL suite is skipped, once, where the test output shows it. */
export function logSkip(suite: string, reason: string): void {
  process.stderr.write(`SKIPPED ${suite}: ${reason}\n`);
}

export interface TestDatabase {
  name: string;
  /** Connection of the API role: no SUPERUSER, no BYPASSRLS, owns no tables. */
  appUrl: string;
  /** Connection of the role that owns the schema and runs migrations. */
  ownerUrl: string;
  /** Environment for startTestApp that puts the application on this database. */
  env: Record<string, string>;
  /** Runs one statement as the owner role. */
  queryAsOwner<T = Record<string, unknown>>(sql: string, parameters?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database `masala_test_<random>` owned by masala_owner; drop it after the run. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `masala_test_${crypto.randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const admin = postgresUrl(OWNER_ROLE, 'masala_test');
  await withClient(admin, async (client) => {
    await client.query(`CREATE DATABASE ${name} OWNER ${OWNER_ROLE}`);
    await client.query(`REVOKE CONNECT ON DATABASE ${name} FROM PUBLIC`);
    await client.query(`GRANT CONNECT ON DATABASE ${name} TO ${APP_ROLE}`);
  });
  const appUrl = postgresUrl(APP_ROLE, name);
  const ownerUrl = postgresUrl(OWNER_ROLE, name);
  return {
    name,
    appUrl,
    ownerUrl,
    env: { DATABASE_URL: appUrl, MASALA_MIGRATION_DATABASE_URL: ownerUrl },
    queryAsOwner: async <T>(sql: string, parameters: unknown[] = []) =>
      withClient(ownerUrl, async (client) => (await client.query(sql, parameters)).rows as T[]),
    drop: () =>
      withClient(admin, async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }),
  };
}
