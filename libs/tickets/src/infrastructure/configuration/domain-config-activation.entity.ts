import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '#kernel';

/**
 * The configuration version last recorded as active in a tenant's audit trail. It is written in
 * the same transaction as the `configuration.activated` audit entry. A restart or a second
 * instance that repeats an activation finds the row up to date and writes no second entry.
 */
@Entity({ name: 'domain_config_activations' })
export class DomainConfigActivation {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  tenantId: string;

  @Column({ type: 'varchar', length: 64 })
  versionId: string;

  /** Slug of the tenant folder the active file came from, or null for the instance-wide file. */
  @Column({ type: 'varchar', length: 63, nullable: true })
  tenantScope: string | null;

  @TimestampColumn()
  activatedAt: Date;
}
