import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '#kernel';

/** Channels through which a consent record reaches the system. */
export const CONSENT_SOURCES = ['api', 'import', 'officer'] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];

/**
 * One consent decision of a data subject for one purpose (GDPR Art. 7). Records are never
 * changed or deleted: a withdrawal is a new record with `granted = false`, and the database
 * rejects UPDATE and DELETE. The current decision for a purpose is the record with the highest
 * `revision` of that subject and purpose.
 */
@Entity({ name: 'user_consents' })
@Index('user_consents_tenant_subject_revision', ['tenantId', 'subjectId', 'revision'], {
  unique: true,
})
@Index('user_consents_tenant_subject_purpose', ['tenantId', 'subjectId', 'purpose', 'revision'])
export class UserConsent {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  tenantId: string;

  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** The user the decision belongs to. */
  @Column({ type: 'varchar', length: 36 })
  subjectId: string;

  /** Counts the subject's records from 1, across purposes, in the order they were recorded. */
  @Column({ type: 'integer' })
  revision: number;

  @Column({ type: 'varchar', length: 64 })
  purpose: string;

  @Column({ type: 'boolean' })
  granted: boolean;

  /** Version of the privacy policy or consent text the subject saw. */
  @Column({ type: 'varchar', length: 64 })
  policyVersion: string;

  @Column({ type: 'varchar', length: 16 })
  source: ConsentSource;

  /** Actor id of the recorder: the subject, an officer, or the operator who imported it. */
  @Column({ type: 'varchar', length: 64 })
  recordedBy: string;

  @TimestampColumn()
  recordedAt: Date;
}
