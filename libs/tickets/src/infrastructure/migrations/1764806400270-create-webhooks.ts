import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf, runStatements } from '#kernel';

export class CreateWebhooks1764806400270 implements MigrationInterface {
  name = 'CreateWebhooks1764806400270';

  async up(queryRunner: QueryRunner): Promise<void> {
    const sql = dialectOf(queryRunner);
    await runStatements(queryRunner, [
      `CREATE TABLE webhooks (
         tenant_id varchar(36) NOT NULL,
         id varchar(36) NOT NULL,
         url text NOT NULL,
         events ${sql.json} NOT NULL,
         secret text NOT NULL,
         created_by varchar(36) NOT NULL,
         created_at ${sql.timestamp} NOT NULL,
         updated_at ${sql.timestamp} NOT NULL,
         PRIMARY KEY (tenant_id, id)
       )`,
      'CREATE INDEX webhooks_tenant_created ON webhooks (tenant_id, created_at, id)',
      ...sql.tenantPolicy('webhooks'),
      `CREATE TABLE webhook_deliveries (
         tenant_id varchar(36) NOT NULL,
         id varchar(36) NOT NULL,
         webhook_id varchar(36) NOT NULL,
         event_id varchar(36) NOT NULL,
         event_type varchar(64) NOT NULL,
         payload text NOT NULL,
         status varchar(16) NOT NULL,
         attempts integer NOT NULL,
         next_attempt_at ${sql.timestamp} NOT NULL,
         last_status_code integer,
         last_error text,
         delivered_at ${sql.timestamp},
         created_at ${sql.timestamp} NOT NULL,
         PRIMARY KEY (tenant_id, id)
       )`,
      'CREATE INDEX webhook_deliveries_tenant_due ON webhook_deliveries (tenant_id, status, next_attempt_at)',
      'CREATE INDEX webhook_deliveries_tenant_webhook ON webhook_deliveries (tenant_id, webhook_id, created_at, id)',
      ...sql.tenantPolicy('webhook_deliveries'),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runStatements(queryRunner, ['DROP TABLE webhook_deliveries', 'DROP TABLE webhooks']);
  }
}
