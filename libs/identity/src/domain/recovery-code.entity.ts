import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '#kernel';

/** A single-use two-factor recovery code, stored only as a keyed hash. */
@Entity({ name: 'recovery_codes' })
@Index('recovery_codes_tenant_hash', ['tenantId', 'codeHash'], { unique: true })
@Index('recovery_codes_tenant_user', ['tenantId', 'userId'])
export class RecoveryCode {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  tenantId: string;

  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  userId: string;

  @Column({ type: 'varchar', length: 64 })
  codeHash: string;

  @TimestampColumn({ nullable: true })
  usedAt: Date | null;

  @TimestampColumn()
  createdAt: Date;
}
