import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { encryptedJson } from '#kernel';

/**
 * One recorded change. Entries of a tenant form a hash chain in `sequence` order: `hash` covers
 * the entry's content and `previousHash`, so an edited or removed entry breaks verification.
 * The table is append-only: the database refuses UPDATE and DELETE unless the transaction holds
 * a rewrite permit, which only erasure (AuditSubjectRedactor) and archiving take.
 */
@Entity({ name: 'audit_log_entries' })
@Index('audit_tenant_sequence', ['tenantId', 'sequence'], { unique: true })
@Index('audit_tenant_entity', ['tenantId', 'entityType', 'entityId', 'sequence'])
@Index('audit_tenant_actor', ['tenantId', 'actorId', 'sequence'])
@Index('audit_tenant_action', ['tenantId', 'action', 'sequence'])
@Index('audit_tenant_created', ['tenantId', 'createdAt', 'sequence'])
@Index('audit_tenant_parent', ['tenantId', 'parentEntityType', 'parentEntityId', 'sequence'])
export class AuditLogEntry {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  tenantId: string;

  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'integer' })
  sequence: number;

  @Column({ type: 'varchar', length: 16 })
  actorType: string;

  @Column({ type: 'varchar', length: 64 })
  actorId: string;

  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Column({ type: 'varchar', length: 64 })
  entityType: string;

  @Column({ type: 'varchar', length: 64 })
  entityId: string;

  /** Encrypted at rest; the hash covers the decrypted values, so rotation keeps the chain valid. */
  /** The entity this one belongs to, such as the ticket of a comment; null when none. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  parentEntityType: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  parentEntityId: string | null;

  @Column({
    type: 'simple-json',
    nullable: true,
    transformer: encryptedJson('audit_log_entries.old_values'),
  })
  oldValues: Record<string, unknown> | null;

  @Column({
    type: 'simple-json',
    nullable: true,
    transformer: encryptedJson('audit_log_entries.new_values'),
  })
  newValues: Record<string, unknown> | null;

  /** Users the entry is about, for export and erasure. */
  @Column({ type: 'simple-json' })
  subjectIds: string[];

  /** Keys of `oldValues` and `newValues` that contain personal data, which erasure rewrites. */
  @Column({ type: 'simple-json' })
  personalFields: string[];

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  @Column({ type: 'varchar', length: 512, nullable: true })
  userAgent: string | null;

  @Column({ type: 'varchar', length: 128 })
  correlationId: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  configVersion: string | null;

  /** UTC time as an ISO-8601 string, hashed exactly as stored. */
  @Column({ type: 'varchar', length: 32 })
  createdAt: string;

  @Column({ type: 'varchar', length: 64 })
  previousHash: string;

  @Column({ type: 'varchar', length: 64 })
  hash: string;
}
