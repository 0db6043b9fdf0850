import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf, runStatements } from '#kernel';

/** Adds projects, tags, watchers, comment counts, SLA resolution and import references to tickets. */
export class ExtendTickets1764806400210 implements MigrationInterface {
  name = 'ExtendTickets1764806400210';

  async up(queryRunner: QueryRunner): Promise<void> {
    const sql = dialectOf(queryRunner);
    const addColumn = (definition: string) => `ALTER TABLE tickets ADD COLUMN ${definition}`;
    await runStatements(queryRunner, [
      addColumn('project_id varchar(36)'),
      addColumn(`tags ${sql.json} NOT NULL DEFAULT '[]'`),
      addColumn(`watcher_ids ${sql.json} NOT NULL DEFAULT '[]'`),
      addColumn('priority_rank integer NOT NULL DEFAULT 2'),
      addColumn('comment_count integer NOT NULL DEFAULT 0'),
      addColumn('public_comment_count integer NOT NULL DEFAULT 0'),
      addColumn('external_ref varchar(200)'),
      addColumn(`resolved_at ${sql.timestamp}`),
      `UPDATE tickets SET priority_rank = CASE priority
         WHEN 'low' THEN 1 WHEN 'high' THEN 3 WHEN 'urgent' THEN 4 ELSE 2 END`,
      'CREATE INDEX tickets_tenant_updated ON tickets (tenant_id, updated_at, id)',
      'CREATE INDEX tickets_tenant_due ON tickets (tenant_id, due_at, id)',
      'CREATE INDEX tickets_tenant_priority ON tickets (tenant_id, priority_rank, id)',
      'CREATE INDEX tickets_tenant_project ON tickets (tenant_id, project_id, created_at)',
      'CREATE UNIQUE INDEX tickets_tenant_external_ref ON tickets (tenant_id, external_ref)',
      `CREATE TABLE ticket_tags (
         tenant_id varchar(36) NOT NULL,
         tag varchar(64) NOT NULL,
         ticket_id varchar(36) NOT NULL,
         PRIMARY KEY (tenant_id, tag, ticket_id)
       )`,
      'CREATE INDEX ticket_tags_tenant_ticket ON ticket_tags (tenant_id, ticket_id)',
      ...sql.tenantPolicy('ticket_tags'),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runStatements(queryRunner, [
      'DROP TABLE ticket_tags',
      'DROP INDEX tickets_tenant_external_ref',
      'DROP INDEX tickets_tenant_project',
      'DROP INDEX tickets_tenant_priority',
      'DROP INDEX tickets_tenant_due',
      'DROP INDEX tickets_tenant_updated',
      ...[
        'resolved_at',
        'external_ref',
        'public_comment_count',
        'comment_count',
        'priority_rank',
        'watcher_ids',
        'tags',
        'project_id',
      ].map((column) => `ALTER TABLE tickets DROP COLUMN ${column}`),
    ]);
  }
}
