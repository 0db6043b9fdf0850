import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf, runStatements } from '#kernel';

export class CreateTenants1764806400000 implements MigrationInterface {
  name = 'CreateTenants1764806400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const sql = dialectOf(queryRunner);
    await runStatements(queryRunner, [
      `CREATE TABLE tenants (
         id varchar(36) NOT NULL PRIMARY KEY,
         slug varchar(63) NOT NULL UNIQUE,
         name varchar(200) NOT NULL,
         status varchar(16) NOT NULL,
         jurisdiction varchar(2) NOT NULL,
         storage varchar(16) NOT NULL,
         settings ${sql.json} NOT NULL,
         created_at ${sql.timestamp} NOT NULL,
         updated_at ${sql.timestamp} NOT NULL
       )`,
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE tenants');
  }
}
