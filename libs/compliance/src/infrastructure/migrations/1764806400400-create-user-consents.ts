import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf, runStatements } from '#kernel';

/**
 * Consent history is append-only: triggers reject every UPDATE and DELETE of `user_consents`,
 * so a withdrawal can only be recorded as a new row and earlier decisions stay provable.
 */
export class CreateUserConsents1764806400400 implements MigrationInterface {
  name = 'CreateUserConsents1764806400400';

  async up(queryRunner: QueryRunner): Promise<void> {
    const sql = dialectOf(queryRunner);
    const statements = [
      `CREATE TABLE user_consents (
         tenant_id varchar(36) NOT NULL,
         id varchar(36) NOT NULL,
         subject_id varchar(36) NOT NULL,
         revision integer NOT NULL,
         purpose varchar(64) NOT NULL,
         granted ${sql.boolean} NOT NULL,
         policy_version varchar(64) NOT NULL,
         source varchar(16) NOT NULL,
         recorded_by varchar(64) NOT NULL,
         recorded_at ${sql.timestamp} NOT NULL,
         PRIMARY KEY (tenant_id, id)
       )`,
      `CREATE UNIQUE INDEX user_consents_tenant_subject_revision
         ON user_consents (tenant_id, subject_id, revision)`,
      `CREATE INDEX user_consents_tenant_subject_purpose
         ON user_consents (tenant_id, subject_id, purpose, revision)`,
      ...sql.tenantPolicy('user_consents'),
    ];
    const guards =
      sql.dialect === 'sqlite'
        ? ['UPDATE', 'DELETE'].map(
            (operation) => `CREATE TRIGGER user_consents_no_${operation.toLowerCase()}
               BEFORE ${operation} ON user_consents
               BEGIN SELECT RAISE(ABORT, 'user_consents is append-only'); END`,
          )
        : [
            `CREATE FUNCTION user_consents_append_only() RETURNS trigger AS $$
             BEGIN
               RAISE EXCEPTION 'user_consents is append-only';
             END $$ LANGUAGE plpgsql`,
            `CREATE TRIGGER user_consents_append_only BEFORE UPDATE OR DELETE ON user_consents
             FOR EACH ROW EXECUTE FUNCTION user_consents_append_only()`,
          ];
    await runStatements(queryRunner, [...statements, ...guards]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const sql = dialectOf(queryRunner);
    await queryRunner.query('DROP TABLE user_consents');
    if (sql.dialect === 'postgres')
      await queryRunner.query('DROP FUNCTION user_consents_append_only()');
  }
}
