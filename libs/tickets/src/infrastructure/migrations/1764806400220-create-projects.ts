import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf, runStatements } from '#kernel';

export class CreateProjects1764806400220 implements MigrationInterface {
  name = 'CreateProjects1764806400220';

  async up(queryRunner: QueryRunner): Promise<void> {
    const sql = dialectOf(queryRunner);
    await runStatements(queryRunner, [
      `CREATE TABLE projects (
         tenant_id varchar(36) NOT NULL,
         id varchar(36) NOT NULL,
         name text NOT NULL,
         description text NOT NULL,
         status varchar(16) NOT NULL,
         manager_id varchar(36),
         customer_id varchar(36),
         target_date ${sql.timestamp},
         external_ref varchar(200),
         version integer NOT NULL,
         created_at ${sql.timestamp} NOT NULL,
         updated_at ${sql.timestamp} NOT NULL,
         PRIMARY KEY (tenant_id, id)
       )`,
      'CREATE INDEX projects_tenant_created ON projects (tenant_id, created_at, id)',
      'CREATE INDEX projects_tenant_status ON projects (tenant_id, status, created_at)',
      'CREATE UNIQUE INDEX projects_tenant_external_ref ON projects (tenant_id, external_ref)',
      ...sql.tenantPolicy('projects'),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE projects');
  }
}
