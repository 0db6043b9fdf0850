import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '#kernel';

/**
 * One distinct domain configuration, stored once under the SHA-256 of its file bytes. Platform
 * data like the tenant registry: the table lives in the catalog database and has no tenant_id.
 * The row keeps the file and scope where the version was first activated.
 */
@Entity({ name: 'domain_config_versions' })
export class DomainConfigVersion {
  /** SHA-256 hex digest of the file bytes. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ type: 'text' })
  sourcePath: string;

  /** Slug of the tenant folder the file came from, or null for the instance-wide file. */
  @Column({ type: 'varchar', length: 63, nullable: true })
  tenantScope: string | null;

  /** The parsed configuration as JSON, so a version can be inspected after the file changed. */
  @Column({ type: 'simple-json' })
  snapshot: unknown;

  /** When the version first became active. */
  @TimestampColumn()
  activatedAt: Date;
}
