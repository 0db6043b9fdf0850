import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '#kernel';

export type UserTokenPurpose = 'invitation' | 'password_reset';

/**
 * A single-use token sent by e-mail (invitation or password reset). Only its SHA-256 hash is
 * stored; it works once and only before `expiresAt`.
 */
@Entity({ name: 'user_tokens' })
@Index('user_tokens_tenant_hash', ['tenantId', 'tokenHash'], { unique: true })
@Index('user_tokens_tenant_user', ['tenantId', 'userId'])
export class UserToken {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  tenantId: string;

  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  userId: string;

  @Column({ type: 'varchar', length: 32 })
  purpose: UserTokenPurpose;

  @Column({ type: 'varchar', length: 64 })
  tokenHash: string;

  @TimestampColumn()
  expiresAt: Date;

  @TimestampColumn({ nullable: true })
  usedAt: Date | null;

  @TimestampColumn()
  createdAt: Date;
}
