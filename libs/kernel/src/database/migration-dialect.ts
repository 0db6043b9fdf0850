import type { QueryRunner } from 'typeorm';

export type SqlDialect = 'sqlite' | 'postgres';

/** Column types and statements that differ between the two supported databases. */
export interface DialectSql {
  dialect: SqlDialect;
  timestamp: string;
  json: string;
  boolean: string;
  /** Statements that put a tenant table behind row-level security (none on SQLite). */
  tenantPolicy(table: string): string[];
}

export function dialectOf(queryRunner: QueryRunner): DialectSql {
  const postgres = queryRunner.connection.driver.options.type === 'postgres';
  if (!postgres) {
    return { dialect: 'sqlite', timestamp: 'datetime', json: 'text', boolean: 'boolean', tenantPolicy: () => [] };
  }
  return {
    dialect: 'postgres',
    timestamp: 'timestamptz',
    json: 'text',
    boolean: 'boolean',
    tenantPolicy: postgresTenantPolicy,
  };
}

/**
 * Puts a PostgreSQL tenant table behind row-level security. FORCE makes the policy apply to the
 * table owner too. When the transaction set no tenant, `current_setting(..., true)` returns NULL,
 * or an empty string on a connection that set one before, so the transaction sees and writes no rows.
 */
export function postgresTenantPolicy(table: string): string[] {
  return [
    `ALTER TABLE "${table}" ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE "${table}" FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY "${table}_tenant_isolation" ON "${table}"
       USING (tenant_id = current_setting('app.tenant_id', true))
       WITH CHECK (tenant_id = current_setting('app.tenant_id', true))`,
  ];
}

/** Runs each statement in order. */
export async function runStatements(queryRunner: QueryRunner, statements: string[]): Promise<void> {
  for (const statement of statements) await queryRunner.query(statement);
}
