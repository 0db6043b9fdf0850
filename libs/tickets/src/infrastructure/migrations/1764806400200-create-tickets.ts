import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf, runStatements } from '#kernel';

export class CreateTickets1764806400200 implements MigrationInterface {
  name = 'CreateTickets1764806400200';

  async up(queryRunner: QueryRunner): Promise<void> {
    const sql = dialectOf(queryRunner);
    await runStatements(queryRunner, [
      `CREATE TABLE tickets (
         tenant_id varchar(36) NOT NULL,
         id varchar(36) NOT NULL,
         domain_id varchar(64) NOT NULL,
         type_code varchar(64) NOT NULL,
         status varchar(64) NOT NULL,
         title text NOT NULL,
         description text NOT NULL,
         priority varchar(16) NOT NULL,
         custom_fields ${sql.json} NOT NULL,
         requester_id varchar(36) NOT NULL,
         assignee_id varchar(36),
         config_version varchar(64) NOT NULL,
         version integer NOT NULL,
         due_at ${sql.timestamp},
         created_at ${sql.timestamp} NOT NULL,
         updated_at ${sql.timestamp} NOT NULL,
         deleted_at ${sql.timestamp},
         PRIMARY KEY (tenant_id, id)
       )`,
      'CREATE INDEX tickets_tenant_created ON tickets (tenant_id, created_at, id)',
      'CREATE INDEX tickets_tenant_status ON tickets (tenant_id, status, created_at)',
      'CREATE INDEX tickets_tenant_assignee ON tickets (tenant_id, assignee_id, created_at)',
      'CREATE INDEX tickets_tenant_requester ON tickets (tenant_id, requester_id, created_at)',
      ...sql.tenantPolicy('tickets'),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE tickets');
  }
}
