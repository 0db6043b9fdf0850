import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf, runStatements } from '#kernel';

export class CreateSavedFilters1764806400260 implements MigrationInterface {
  name = 'CreateSavedFilters1764806400260';

  async up(queryRunner: QueryRunner): Promise<void> {
    const sql = dialectOf(queryRunner);
    await runStatements(queryRunner, [
      `CREATE TABLE saved_filters (
         tenant_id varchar(36) NOT NULL,
         id varchar(36) NOT NULL,
         owner_id varchar(36) NOT NULL,
         name varchar(100) NOT NULL,
         criteria ${sql.json} NOT NULL,
         version integer NOT NULL,
         created_at ${sql.timestamp} NOT NULL,
         updated_at ${sql.timestamp} NOT NULL,
         PRIMARY KEY (tenant_id, id)
       )`,
      'CREATE UNIQUE INDEX saved_filters_tenant_owner_name ON saved_filters (tenant_id, owner_id, name)',
      ...sql.tenantPolicy('saved_filters'),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE saved_filters');
  }
}
