import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf, runStatements } from '#kernel';

export class CreateComments1764806400240 implements MigrationInterface {
  name = 'CreateComments1764806400240';

  async up(queryRunner: QueryRunner): Promise<void> {
    const sql = dialectOf(queryRunner);
    await runStatements(queryRunner, [
      `CREATE TABLE ticket_comments (
         tenant_id varchar(36) NOT NULL,
         id varchar(36) NOT NULL,
         ticket_id varchar(36) NOT NULL,
         author_id varchar(36) NOT NULL,
         body text NOT NULL,
         internal ${sql.boolean} NOT NULL,
         version integer NOT NULL,
         edited_at ${sql.timestamp},
         created_at ${sql.timestamp} NOT NULL,
         updated_at ${sql.timestamp} NOT NULL,
         PRIMARY KEY (tenant_id, id)
       )`,
      'CREATE INDEX ticket_comments_tenant_ticket ON ticket_comments (tenant_id, ticket_id, created_at, id)',
      'CREATE INDEX ticket_comments_tenant_author ON ticket_comments (tenant_id, author_id)',
      ...sql.tenantPolicy('ticket_comments'),
      `CREATE TABLE comment_revisions (
         tenant_id varchar(36) NOT NULL,
         id varchar(36) NOT NULL,
         comment_id varchar(36) NOT NULL,
         ticket_id varchar(36) NOT NULL,
         version integer NOT NULL,
         body text NOT NULL,
         replaced_by varchar(36) NOT NULL,
         replaced_at ${sql.timestamp} NOT NULL,
         PRIMARY KEY (tenant_id, id)
       )`,
      'CREATE UNIQUE INDEX comment_revisions_tenant_comment ON comment_revisions (tenant_id, comment_id, version)',
      ...sql.tenantPolicy('comment_revisions'),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await runStatements(queryRunner, ['DROP TABLE comment_revisions', 'DROP TABLE ticket_comments']);
  }
}
