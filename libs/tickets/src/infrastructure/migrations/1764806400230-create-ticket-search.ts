import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf, runStatements } from '#kernel';

/**
 * The keyed-term search index (see TicketSearchIndex). SQLite: an FTS5 table with the `ascii`
 * tokenizer, because every stored token is a keyed term or an id token of ASCII letters and
 * digits. PostgreSQL: a tsvector per source with a GIN index, behind row-level security.
 */
export class CreateTicketSearch1764806400230 implements MigrationInterface {
  name = 'CreateTicketSearch1764806400230';

  async up(queryRunner: QueryRunner): Promise<void> {
    const sql = dialectOf(queryRunner);
    if (sql.dialect === 'sqlite') {
      await queryRunner.query(
        `CREATE VIRTUAL TABLE ticket_search USING fts5(
           tenant_id UNINDEXED, ticket_id UNINDEXED, source_key, ticket_key, terms,
           tokenize = 'ascii', detail = 'none'
         )`,
      );
      return;
    }
    await runStatements(queryRunner, [
      `CREATE TABLE ticket_search (
         tenant_id varchar(36) NOT NULL,
         source_id varchar(36) NOT NULL,
         ticket_id varchar(36) NOT NULL,
         terms tsvector NOT NULL,
         PRIMARY KEY (tenant_id, source_id)
       )`,
      'CREATE INDEX ticket_search_tenant_ticket ON ticket_search (tenant_id, ticket_id)',
      'CREATE INDEX ticket_search_terms ON ticket_search USING gin (terms)',
      ...sql.tenantPolicy('ticket_search'),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE ticket_search');
  }
}
