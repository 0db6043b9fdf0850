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

  /** Id of the direct creator: a user, or the API key that created this one. */
  @Column({ type: 'varchar', length: 64 })
  createdBy: string;

  /**
   * The person whose rights bound the key: its creator, or for a key created with another key,
   * the user at the root of that chain. Null when no such user could be found (a key that
   * existed before this column and whose creator was gone), which makes the key unusable.
   */
  @Column({ type: 'varchar', length: 36, nullable: true })
  creatorUserId: string | null;

  /** The API key that created this one, or null when a user did. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  parentKeyId: string | null;

  @TimestampColumn()
  createdAt: Date;

  @TimestampColumn({ nullable: true })
  expiresAt: Date | null;

  @TimestampColumn({ nullable: true })
  revokedAt: Date | null;
}
