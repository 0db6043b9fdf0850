import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '#kernel';

/**
 * A refresh token, stored only as a SHA-256 hash. Tokens of one sign-in share a family; using a
 * token that was already rotated revokes the whole family, since only a thief replays one.
 */
@Entity({ name: 'refresh_tokens' })
@Index('refresh_tokens_tenant_hash', ['tenantId', 'tokenHash'], { unique: true })
@Index('refresh_tokens_tenant_family', ['tenantId', 'familyId'])
export class RefreshToken {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  tenantId: string;

  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  familyId: string;

  @Column({ type: 'varchar', length: 36 })
  userId: string;

  @Column({ type: 'varchar', length: 64 })
  tokenHash: string;

  @TimestampColumn()
  expiresAt: Date;

  @TimestampColumn({ nullable: true })
  usedAt: Date | null;

  @TimestampColumn({ nullable: true })
  revokedAt: Date | null;

  @TimestampColumn()
  createdAt: Date;
}
