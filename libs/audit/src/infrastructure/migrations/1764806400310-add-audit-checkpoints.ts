import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf, runStatements } from '#kernel';

/**
 * Adds to each audit entry the list of personal fields, so erasure knows which values to rewrite,
 * and the parent entity (the ticket of a comment), so a ticket's history finds its comments.
 * Creates the append-only `audit_checkpoints` table, which documents every rewrite of the chain:
 * a re-seal after erasure, or the removal of archived entries.
 */
export class AddAuditCheckpoints1764806400310 implements MigrationInterface {
  name = 'AddAuditCheckpoints1764806400310';

  async up(queryRunner: QueryRunner): Promise<void> {
    const sql = dialectOf(queryRunner);
    const statements = [
      `ALTER TABLE audit_log_entries ADD COLUMN personal_fields ${sql.json} NOT NULL DEFAULT '[]'`,
      'ALTER TABLE audit_log_entries ADD COLUMN parent_entity_type varchar(64)',
      'ALTER TABLE audit_log_entries ADD COLUMN parent_entity_id varchar(64)',
      `CREATE INDEX audit_tenant_parent
         ON audit_log_entries (tenant_id, parent_entity_type, parent_entity_id, sequence)`,
      `CREATE TABLE audit_checkpoints (
         tenant_id varchar(36) NOT NULL,
         id varchar(36) NOT NULL,
         kind varchar(16) NOT NULL,
         sequence integer NOT NULL,
         last_sequence integer NOT NULL,
         previous_hash_before varchar(64) NOT NULL,
         previous_hash_after varchar(64) NOT NULL,
         entries integer NOT NULL,
         reason varchar(200) NOT NULL,
         created_at varchar(32) NOT NULL,
         PRIMARY KEY (tenant_id, id)
       )`,
      'CREATE INDEX audit_checkpoints_tenant_kind ON audit_checkpoints (tenant_id, kind, last_sequence)',
      ...sql.tenantPolicy('audit_checkpoints'),
    ];
    const guards =
      sql.dialect === 'sqlite'
        ? ['UPDATE', 'DELETE'].map(
            (operation) => `CREATE TRIGGER audit_checkpoints_no_${operation.toLowerCase()}
               BEFORE ${operation} ON audit_checkpoints
               BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END`,
          )
        : [
            `CREATE FUNCTION audit_checkpoints_append_only() RETURNS trigger AS $$
             BEGIN
               RAISE EXCEPTION 'audit_checkpoints is append-only';
             END $$ LANGUAGE plpgsql`,
            `CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
             FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_append_only()`,
          ];
    await runStatements(queryRunner, [...statements, ...guards]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const sql = dialectOf(queryRunner);
    await queryRunner.query('DROP TABLE audit_checkpoints');
    if (sql.dialect === 'postgres')
      await queryRunner.query('DROP FUNCTION audit_checkpoints_append_only()');
    await queryRunner.query('DROP INDEX audit_tenant_parent');
    for (const column of ['parent_entity_id', 'parent_entity_type', 'personal_fields']) {
      await queryRunner.query(`ALTER TABLE audit_log_entries DROP COLUMN ${column}`);
    }
  }
}
