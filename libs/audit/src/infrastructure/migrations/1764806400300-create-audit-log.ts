import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf, runStatements } from '#kernel';

/**
 * The audit table is append-only: triggers reject UPDATE and DELETE unless the same transaction
 * holds a row in audit_rewrite_permits for that tenant. Erasure is the one path that inserts
 * such a permit, rewrites personal data, re-seals the chain and removes the permit again.
 */
export class CreateAuditLog1764806400300 implements MigrationInterface {
  name = 'CreateAuditLog1764806400300';

  async up(queryRunner: QueryRunner): Promise<void> {
    const sql = dialectOf(queryRunner);
    const tables = [
      `CREATE TABLE audit_log_entries (
         tenant_id varchar(36) NOT NULL,
         id varchar(36) NOT NULL,
         sequence integer NOT NULL,
         actor_type varchar(16) NOT NULL,
         actor_id varchar(64) NOT NULL,
         action varchar(64) NOT NULL,
         entity_type varchar(64) NOT NULL,
         entity_id varchar(64) NOT NULL,
         old_values ${sql.json},
         new_values ${sql.json},
         subject_ids ${sql.json} NOT NULL,
         ip varchar(64),
         user_agent varchar(512),
         correlation_id varchar(128) NOT NULL,
         config_version varchar(64),
         created_at varchar(32) NOT NULL,
         previous_hash varchar(64) NOT NULL,
         hash varchar(64) NOT NULL,
         PRIMARY KEY (tenant_id, id)
       )`,
      'CREATE UNIQUE INDEX audit_tenant_sequence ON audit_log_entries (tenant_id, sequence)',
      'CREATE INDEX audit_tenant_entity ON audit_log_entries (tenant_id, entity_type, entity_id, sequence)',
      'CREATE INDEX audit_tenant_actor ON audit_log_entries (tenant_id, actor_id, sequence)',
      'CREATE INDEX audit_tenant_action ON audit_log_entries (tenant_id, action, sequence)',
      'CREATE INDEX audit_tenant_created ON audit_log_entries (tenant_id, created_at, sequence)',
      `CREATE TABLE audit_rewrite_permits (
         tenant_id varchar(36) NOT NULL,
         id varchar(36) NOT NULL,
         reason varchar(200) NOT NULL,
         PRIMARY KEY (tenant_id, id)
       )`,
      ...sql.tenantPolicy('audit_log_entries'),
      ...sql.tenantPolicy('audit_rewrite_permits'),
    ];
    const guards =
      sql.dialect === 'sqlite'
        ? ['UPDATE', 'DELETE'].map(
            (operation) => `CREATE TRIGGER audit_log_entries_no_${operation.toLowerCase()}
               BEFORE ${operation} ON audit_log_entries
               WHEN NOT EXISTS (SELECT 1 FROM audit_rewrite_permits WHERE tenant_id = OLD.tenant_id)
               BEGIN SELECT RAISE(ABORT, 'audit_log_entries is append-only'); END`,
          )
        : [
            `CREATE FUNCTION audit_log_entries_append_only() RETURNS trigger AS $$
             BEGIN
               IF NOT EXISTS (SELECT 1 FROM audit_rewrite_permits WHERE tenant_id = OLD.tenant_id) THEN
                 RAISE EXCEPTION 'audit_log_entries is append-only';
               END IF;
               IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
               RETURN NEW;
             END $$ LANGUAGE plpgsql`,
            `CREATE TRIGGER audit_log_entries_append_only BEFORE UPDATE OR DELETE ON audit_log_entries
             FOR EACH ROW EXECUTE FUNCTION audit_log_entries_append_only()`,
          ];
    await runStatements(queryRunner, [...tables, ...guards]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE audit_log_entries');
    await queryRunner.query('DROP TABLE audit_rewrite_permits');
  }
}
