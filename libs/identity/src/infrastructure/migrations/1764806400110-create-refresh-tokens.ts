import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf, runStatements } from '#kernel';

export class CreateRefreshTokens1764806400110 implements MigrationInterface {
  name = 'CreateRefreshTokens1764806400110';

  async up(queryRunner: QueryRunner): Promise<void> {
    const sql = dialectOf(queryRunner);
    await runStatements(queryRunner, [
      `CREATE TABLE refresh_tokens (
         tenant_id varchar(36) NOT NULL,
         id varchar(36) NOT NULL,
         family_id varchar(36) NOT NULL,
         user_id varchar(36) NOT NULL,
         token_hash varchar(64) NOT NULL,
         expires_at ${sql.timestamp} NOT NULL,
         used_at ${sql.timestamp},
         revoked_at ${sql.timestamp},
         created_at ${sql.timestamp} NOT NULL,
         PRIMARY KEY (tenant_id, id)
       )`,
      'CREATE UNIQUE INDEX refresh_tokens_tenant_hash ON refresh_tokens (tenant_id, token_hash)',
      'CREATE INDEX refresh_tokens_tenant_family ON refresh_tokens (tenant_id, family_id)',
      'CREATE INDEX refresh_tokens_tenant_user ON refresh_tokens (tenant_id, user_id)',
      ...sql.tenantPolicy('refresh_tokens'),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE refresh_tokens');
  }
}
