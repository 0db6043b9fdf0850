import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf, runStatements } from '#kernel';

export class CreateUsers1764806400100 implements MigrationInterface {
  name = 'CreateUsers1764806400100';

  async up(queryRunner: QueryRunner): Promise<void> {
    const sql = dialectOf(queryRunner);
    await runStatements(queryRunner, [
      `CREATE TABLE users (
         tenant_id varchar(36) NOT NULL,
         id varchar(36) NOT NULL,
         email text NOT NULL,
         email_lookup varchar(128) NOT NULL,
         display_name text NOT NULL DEFAULT '',
         password_hash text,
         roles ${sql.json} NOT NULL,
         status varchar(16) NOT NULL,
         token_version integer NOT NULL DEFAULT 0,
         failed_logins integer NOT NULL DEFAULT 0,
         locked_until ${sql.timestamp},
         version integer NOT NULL,
         created_at ${sql.timestamp} NOT NULL,
         updated_at ${sql.timestamp} NOT NULL,
         PRIMARY KEY (tenant_id, id)
       )`,
      'CREATE UNIQUE INDEX users_tenant_email_lookup ON users (tenant_id, email_lookup)',
      ...sql.tenantPolicy('users'),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE users');
  }
}
