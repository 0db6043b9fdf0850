import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf, runStatements } from '#kernel';

export class CreateAttachments1764806400280 implements MigrationInterface {
  name = 'CreateAttachments1764806400280';

  async up(queryRunner: QueryRunner): Promise<void> {
    const sql = dialectOf(queryRunner);
    await runStatements(queryRunner, [
      `CREATE TABLE ticket_attachments (
         tenant_id varchar(36) NOT NULL,
         id varchar(36) NOT NULL,
         ticket_id varchar(36) NOT NULL,
         uploader_id varchar(36) NOT NULL,
         file_name varchar(255) NOT NULL,
         content_type varchar(255) NOT NULL,
         size integer NOT NULL,
         sha256 varchar(64) NOT NULL,
         internal ${sql.boolean} NOT NULL,
         file_key text NOT NULL,
         created_at ${sql.timestamp} NOT NULL,
         PRIMARY KEY (tenant_id, id)
       )`,
      'CREATE INDEX ticket_attachments_tenant_ticket ON ticket_attachments (tenant_id, ticket_id, created_at, id)',
      'CREATE INDEX ticket_attachments_tenant_uploader ON ticket_attachments (tenant_id, uploader_id)',
      ...sql.tenantPolicy('ticket_attachments'),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE ticket_attachments');
  }
}
