import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '#kernel';

/**
 * A machine client's credential for one tenant. The key itself is shown once at creation; only
 * its SHA-256 hash and a short display prefix are stored.
 */
@Entity({ name: 'api_keys' })
@Index('api_keys_tenant_hash', ['tenantId', 'secretHash'], { unique: true })
export class ApiKey {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  tenantId: string;

  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** First characters of the key, so an operator can tell keys apart without the secret. */
  @Column({ type: 'varchar', length: 16 })
  prefix: string;

  @Column({ type: 'varchar', length: 64 })
  secretHash: string;

  @Column({ type: 'simple-json' })
  permissions: string[];

  @Column({ type: 'varchar', length: 64 })
  createdBy: string;

  @TimestampColumn()
  createdAt: Date;

  @TimestampColumn({ nullable: true })
  expiresAt: Date | null;

  @TimestampColumn({ nullable: true })
  revokedAt: Date | null;
}
