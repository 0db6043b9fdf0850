import {
  Column,
  Entity,
  Index,
  PrimaryColumn,
  VersionColumn,
} from 'typeorm';
import { CreatedAtColumn, UpdatedAtColumn, TimestampColumn, encryptedText } from '#kernel';

export type UserStatus = 'active' | 'invited' | 'disabled' | 'erased';

/** A person's account. It belongs to exactly one tenant and does not exist in any other. */
@Entity({ name: 'users' })
@Index('users_tenant_email_lookup', ['tenantId', 'emailLookup'], { unique: true })
export class User {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  tenantId: string;

  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'text', transformer: encryptedText('users.email') })
  email: string;

  /** Exact-match key for the e-mail address, so login never needs to read the stored address. */
  @Column({ type: 'varchar', length: 128 })
  emailLookup: string;

  @Column({ type: 'text', default: '', transformer: encryptedText('users.display_name') })
  displayName: string;

  @Column({ type: 'text', nullable: true })
  passwordHash: string | null;

  @Column({ type: 'simple-json' })
  roles: string[];

  @Column({ type: 'varchar', length: 16 })
  status: UserStatus;

  /** Bumped on logout, password change, disabling and erasure; every older token stops working. */
  @Column({ type: 'integer', default: 0 })
  tokenVersion: number;

  @Column({ type: 'integer', default: 0 })
  failedLogins: number;

  @TimestampColumn({ nullable: true })
  lockedUntil: Date | null;

  /** Base32 TOTP secret, encrypted at rest; set once enrolment is confirmed with a code. */
  @Column({ type: 'text', nullable: true, transformer: encryptedText('users.two_factor_secret') })
  twoFactorSecret: string | null;

  /** A secret handed out by setup and not yet confirmed, encrypted at rest. */
  @Column({ type: 'text', nullable: true, transformer: encryptedText('users.two_factor_pending_secret') })
  twoFactorPendingSecret: string | null;

  @TimestampColumn({ nullable: true })
  twoFactorEnabledAt: Date | null;

  /** RFC 6238 time step of the last accepted code, so a code cannot be replayed. */
  @Column({ type: 'integer', nullable: true })
  twoFactorLastStep: number | null;

  @VersionColumn()
  version: number;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
