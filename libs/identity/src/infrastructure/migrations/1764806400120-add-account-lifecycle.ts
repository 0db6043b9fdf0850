import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf, runStatements } from '#kernel';

/** Two-factor columns and a listing index on users, single-use e-mail tokens, recovery codes. */
export class AddAccountLifecycle1764806400120 implements MigrationInterface {
  name = 'AddAccountLifecycle1764806400120';

  async up(queryRunner: QueryRunner): Promise<void> {
    const sql = dialectOf(queryRunner);
    await runStatements(queryRunner, [
      'ALTER TABLE users ADD COLUMN two_factor_secret text',
      'ALTER TABLE users ADD COLUMN two_factor_pending_secret text',
      `ALTER TABLE users ADD COLUMN two_factor_enabled_at ${sql.timestamp}`,
      'ALTER TABLE users ADD COLUMN two_factor_last_step integer',
      'CREATE INDEX users_tenant_created ON users (tenant_id, created_at, id)',
      `CREATE TABLE user_tokens (
         tenant_id varchar(36) NOT NULL,
         id varchar(36) NOT NULL,
         user_id varchar(36) NOT NULL,
         purpose varchar(32) NOT NULL,
         token_hash varchar(64) NOT NULL,
         expires_at ${sql.timestamp} NOT NULL,
         used_at ${sql.timestamp},
         created_at ${sql.timestamp} NOT NULL,
         PRIMARY KEY (tenant_id, id)
       )`,
      'CREATE UNIQUE INDEX user_tokens_tenant_hash ON user_tokens (tenant_id, token_hash)',
      'CREATE INDEX user_tokens_tenant_user ON user_tokens (tenant_id, user_id)',
      ...sql.tenantPolicy('user_tokens'),
      `CREATE TABLE recovery_codes (
         tenant_id varchar(36) NOT NULL,
         id varchar(36) NOT NULL,
         user_id varchar(36) NOT NULL,
         code_hash varchar(64) NOT NULL,
         used_at ${sql.timestamp},
         created_at ${sql.timestamp} NOT NULL,
         PRIMARY KEY (tenant_id, id)
       )`,
      'CREATE UNIQUE INDEX recovery_codes_tenant_hash ON recovery_codes (tenant_id, code_hash)',
      'CREATE INDEX recovery_codes_tenant_user ON recovery_codes (tenant_id, user_id)',
      ...sql.tenantPolicy('recovery_codes'),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runStatements(queryRunner, [
      'DROP TABLE recovery_codes',
      'DROP TABLE user_tokens',
      'DROP INDEX users_tenant_created',
      'ALTER TABLE users DROP COLUMN two_factor_last_step',
      'ALTER TABLE users DROP COLUMN two_factor_enabled_at',
      'ALTER TABLE users DROP COLUMN two_factor_pending_secret',
      'ALTER TABLE users DROP COLUMN two_factor_secret',
    ]);
  }
}
