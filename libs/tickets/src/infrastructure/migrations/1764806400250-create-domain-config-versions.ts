import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf, runStatements } from '#kernel';

/**
 * `domain_config_versions` is platform data (used in the catalog database only, like
 * `tenants`), so it has no tenant_id and no row-level policy. `domain_config_activations` is
 * tenant data: one row per tenant, next to the tenant's audit trail.
 */
export class CreateDomainConfigVersions1764806400250 implements MigrationInterface {
  name = 'CreateDomainConfigVersions1764806400250';

  async up(queryRunner: QueryRunner): Promise<void> {
    const sql = dialectOf(queryRunner);
    await runStatements(queryRunner, [
      `CREATE TABLE domain_config_versions (
         id varchar(64) NOT NULL PRIMARY KEY,
         source_path text NOT NULL,
         tenant_scope varchar(63),
         snapshot ${sql.json} NOT NULL,
         activated_at ${sql.timestamp} NOT NULL
       )`,
      `CREATE TABLE domain_config_activations (
         tenant_id varchar(36) NOT NULL,
         version_id varchar(64) NOT NULL,
         tenant_scope varchar(63),
         activated_at ${sql.timestamp} NOT NULL,
         PRIMARY KEY (tenant_id)
       )`,
      ...sql.tenantPolicy('domain_config_activations'),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE domain_config_activations');
    await queryRunner.query('DROP TABLE domain_config_versions');
  }
}
