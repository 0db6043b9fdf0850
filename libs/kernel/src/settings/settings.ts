import { isAbsolute, resolve } from 'node:path';
import { loadDataProtectionSettings, type DataProtectionSettings } from './data-protection-settings.js';
import { loadWebhookSettings, type WebhookSettings } from './webhook-settings.js';

export type TenancyMode = 'shared' | 'isolated' | 'database';
export type SqliteSynchronous = 'FULL' | 'NORMAL';

/** Validated settings read once from the environment at start-up. */
export interface MasalaSettings extends DataProtectionSettings, WebhookSettings {
  port: number;
  dataDir: string;
  configPath: string;
  tenancy: TenancyMode;
  isolatedTenant?: string;
  baseDomain?: string;
  sqliteSynchronous: SqliteSynchronous;
  sqliteBusyTimeoutMs: number;
  databaseUrl?: string;
  /** Connection of the role that owns the schema and runs migrations (PostgreSQL only). */
  migrationDatabaseUrl?: string;
  redisUrl?: string;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  corsOrigins: string[];
  rateLimitPerMinute: number;
  masterKeyFile?: string;
  masterKey?: string;
  jwtSecret?: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  lockoutThreshold: number;
  lockoutMinutes: number;
  trustedProxies: string[];
  metricsToken?: string;
  /** When set, /metrics is served on this port only (on metricsHost), not on the API port. */
  metricsPort?: number;
  metricsHost: string;
  /** Maximum number of tenants that get their own label value in metrics; the rest share "other". */
  metricsTenantLabels: number;
  /** `auto` writes readable lines to a terminal and JSON lines otherwise. */
  logFormat: 'auto' | 'json' | 'text';
  logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
  environment: 'development' | 'production' | 'test';
  shutdownTimeoutMs: number;
  maxOpenTenantDatabases: number;
  tenantDatabaseIdleMs: number;
  /** Maximum number of concurrent writes grouped into one SQLite commit; 1 disables grouping. */
  writeBatchMax: number;
}

export class InvalidSettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

type Env = Record<string, string | undefined>;

/** Reads and validates the settings, collecting one message per problem before throwing. */
export function loadSettings(env: Env = process.env, cwd = process.cwd()): MasalaSettings {
  const problems: string[] = [];
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name}="${raw}" is invalid: expected a whole number from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };
  const optionalInteger = (name: string, min: number, max: number): number | undefined =>
    text(name) === undefined ? undefined : integer(name, min, min, max);
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    const match = allowed.find((option) => option.toLowerCase() === raw.toLowerCase());
    if (!match) problems.push(`${name}="${raw}" is invalid: expected one of ${allowed.join(', ')}`);
    return match ?? fallback;
  };
  const path = (value: string): string => (isAbsolute(value) ? value : resolve(cwd, value));
  const list = (name: string): string[] =>
    (text(name) ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);

  const tenancy = oneOf<TenancyMode>('MASALA_TENANCY', ['shared', 'isolated', 'database'], 'shared');
  const isolatedTenant = text('MASALA_TENANT');
  if (tenancy === 'isolated' && !isolatedTenant) {
    problems.push('MASALA_TENANT is missing: isolated mode needs the slug of the tenant it serves');
  }

  const databaseUrl = text('DATABASE_URL');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL is invalid: expected a postgres:// or postgresql:// URL');
  }
  const migrationDatabaseUrl = text('MASALA_MIGRATION_DATABASE_URL');
  if (migrationDatabaseUrl && !databaseUrl) {
    problems.push('MASALA_MIGRATION_DATABASE_URL is set without DATABASE_URL: it applies to PostgreSQL only');
  }
  if (migrationDatabaseUrl && !/^postgres(ql)?:\/\//.test(migrationDatabaseUrl)) {
    problems.push('MASALA_MIGRATION_DATABASE_URL is invalid: expected a postgres:// or postgresql:// URL');
  }
  if (databaseUrl && tenancy === 'database') {
    problems.push(
      'MASALA_TENANCY=database keeps one SQLite file per tenant and cannot be combined with DATABASE_URL; use shared or isolated',
    );
  }
  const redisUrl = text('REDIS_URL');
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) {
    problems.push('REDIS_URL is invalid: expected a redis:// or rediss:// URL');
  }

  const tlsCertFile = text('MASALA_TLS_CERT');
  const tlsKeyFile = text('MASALA_TLS_KEY');
  if (Boolean(tlsCertFile) !== Boolean(tlsKeyFile)) {
    problems.push('MASALA_TLS_CERT and MASALA_TLS_KEY must be set together');
  }

  const corsOrigins = list('MASALA_CORS_ORIGINS');
  for (const origin of corsOrigins) {
    if (origin === '*' || origin === 'null' || !/^https?:\/\/[^/\s]+$/.test(origin)) {
      problems.push(
        `MASALA_CORS_ORIGINS entry "${origin}" is invalid: expected an exact origin such as https://app.example.org`,
      );
    }
  }

  // Unset means production, so mail tokens and addresses reach the log only when an operator sets
  // NODE_ENV=development explicitly.
  const environment = oneOf('NODE_ENV', ['development', 'production', 'test'], 'production');
  const dataDir = path(text('MASALA_DATA_DIR') ?? './data');

  const settings: MasalaSettings = {
    port: integer('PORT', 3000, 0, 65535),
    dataDir,
    configPath: path(text('MASALA_CONFIG_PATH') ?? '.'),
    tenancy,
    isolatedTenant,
    baseDomain: text('MASALA_BASE_DOMAIN')?.toLowerCase(),
    sqliteSynchronous: oneOf<SqliteSynchronous>('MASALA_SQLITE_SYNCHRONOUS', ['FULL', 'NORMAL'], 'FULL'),
    sqliteBusyTimeoutMs: integer('MASALA_SQLITE_BUSY_TIMEOUT_MS', 5000, 0, 600000),
    databaseUrl,
    migrationDatabaseUrl,
    redisUrl,
    tlsCertFile: tlsCertFile && path(tlsCertFile),
    tlsKeyFile: tlsKeyFile && path(tlsKeyFile),
    corsOrigins,
    rateLimitPerMinute: integer('MASALA_RATE_LIMIT_PER_MINUTE', 600, 1, 10_000_000),
    masterKeyFile: text('MASALA_MASTER_KEY_FILE') && path(text('MASALA_MASTER_KEY_FILE')!),
    masterKey: text('MASALA_MASTER_KEY'),
    jwtSecret: text('MASALA_JWT_SECRET'),
    accessTokenTtlSeconds: integer('MASALA_ACCESS_TOKEN_TTL_SECONDS', 900, 30, 86400),
    refreshTokenTtlSeconds: integer('MASALA_REFRESH_TOKEN_TTL_SECONDS', 1209600, 60, 31536000),
    lockoutThreshold: integer('MASALA_LOCKOUT_THRESHOLD', 5, 1, 1000),
    lockoutMinutes: integer('MASALA_LOCKOUT_MINUTES', 15, 1, 10080),
    trustedProxies: list('MASALA_TRUSTED_PROXIES'),
    metricsToken: text('MASALA_METRICS_TOKEN'),
    metricsPort: optionalInteger('MASALA_METRICS_PORT', 1, 65535),
    metricsHost: text('MASALA_METRICS_HOST') ?? '127.0.0.1',
    metricsTenantLabels: integer('MASALA_METRICS_TENANT_LABELS', 20, 0, 1000),
    logFormat: oneOf('MASALA_LOG_FORMAT', ['auto', 'json', 'text'], 'auto'),
    logLevel: oneOf('MASALA_LOG_LEVEL', ['error', 'warn', 'log', 'debug', 'verbose'], 'log'),
    environment,
    shutdownTimeoutMs: integer('MASALA_SHUTDOWN_TIMEOUT_MS', 10000, 0, 600000),
    maxOpenTenantDatabases: integer('MASALA_MAX_OPEN_TENANT_DATABASES', 64, 1, 100000),
    tenantDatabaseIdleMs: integer('MASALA_TENANT_DATABASE_IDLE_MS', 300000, 1000, 86400000),
    writeBatchMax: integer('MASALA_WRITE_BATCH_MAX', 64, 1, 10000),
    ...loadDataProtectionSettings(env, cwd, dataDir, problems),
    ...loadWebhookSettings(env, problems),
  };

  const metricsToken = settings.metricsToken;
  if (metricsToken !== undefined && metricsToken.length < 16) {
    problems.push('MASALA_METRICS_TOKEN is too short: use at least 16 random characters');
  }
  if (settings.metricsPort !== undefined && settings.metricsPort === settings.port) {
    problems.push(`MASALA_METRICS_PORT=${settings.metricsPort} is invalid: it must differ from PORT`);
  }

  if (problems.length > 0) throw new InvalidSettingsError(problems);
  return settings;
}

export const MASALA_SETTINGS = Symbol('MASALA_SETTINGS');
