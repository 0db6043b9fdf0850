import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type AuditCheckpointKind = 'redaction' | 'archive';

/**
 * A documented rewrite of a tenant's hash chain, covering the entries `sequence` to
 * `lastSequence`. The table is append-only.
 *
 * - `redaction`: personal data was erased from entries in the range and every entry from
 *   `sequence` to the chain head (`lastSequence`) was re-sealed. `previousHashBefore` and
 *   `previousHashAfter` are the head hash (the previous hash of the next entry to be appended)
 *   before and after the re-seal, so an externally kept head hash can be matched to the rewrite.
 * - `archive`: the range was written to an archive file and removed from the live table.
 *   `previousHashBefore` is the previous hash of the first archived entry (the archive file's
 *   anchor). `previousHashAfter` is the hash of the last archived entry: the first live entry
 *   carries it as its previous hash, and live verification starts from it.
 */
@Entity({ name: 'audit_checkpoints' })
@Index('audit_checkpoints_tenant_kind', ['tenantId', 'kind', 'lastSequence'])
export class AuditCheckpoint {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  tenantId: string;

  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 16 })
  kind: AuditCheckpointKind;

  @Column({ type: 'integer' })
  sequence: number;

  @Column({ type: 'integer' })
  lastSequence: number;

  @Column({ type: 'varchar', length: 64 })
  previousHashBefore: string;

  @Column({ type: 'varchar', length: 64 })
  previousHashAfter: string;

  /** Entries rewritten (redaction) or removed (archive). */
  @Column({ type: 'integer' })
  entries: number;

  @Column({ type: 'varchar', length: 200 })
  reason: string;

  /** UTC time as an ISO-8601 string. */
  @Column({ type: 'varchar', length: 32 })
  createdAt: string;
}
