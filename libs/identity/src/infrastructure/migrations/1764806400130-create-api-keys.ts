import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf, runStatements } from '#kernel';

export class CreateApiKeys1764806400130 implements MigrationInterface {
  name = 'CreateApiKeys1764806400130';

  async up(queryRunner: QueryRunner): Promise<void> {
    const sql = dialectOf(queryRunner);
    await runStatements(queryRunner, [
      `CREATE TABLE api_keys (
         tenant_id varchar(36) NOT NULL,
         id varchar(36) NOT NULL,
         name varchar(100) NOT NULL,
         prefix varchar(16) NOT NULL,
         secret_hash varchar(64) NOT NULL,
         permissions ${sql.json} NOT NULL,
         created_by varchar(64) NOT NULL,
         created_at ${sql.timestamp} NOT NULL,
         expires_at ${sql.timestamp},
         revoked_at ${sql.timestamp},
         PRIMARY KEY (tenant_id, id)
       )`,
      'CREATE UNIQUE INDEX api_keys_tenant_hash ON api_keys (tenant_id, secret_hash)',
      'CREATE INDEX api_keys_tenant_created ON api_keys (tenant_id, created_at, id)',
      ...sql.tenantPolicy('api_keys'),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE api_keys');
  }
}
