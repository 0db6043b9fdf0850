import { createHash } from 'node:crypto';
import type { AuditLogEntry } from './audit-log-entry.entity.js';

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted, so equal content always hashes to equal bytes. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}

/** Every stored field of an entry; archive files and exports carry entries in this shape. */
export type SealedEntry = Pick<
  AuditLogEntry,
  | 'tenantId'
  | 'id'
  | 'sequence'
  | 'actorType'
  | 'actorId'
  | 'action'
  | 'entityType'
  | 'entityId'
  | 'parentEntityType'
  | 'parentEntityId'
  | 'oldValues'
  | 'newValues'
  | 'subjectIds'
  | 'personalFields'
  | 'ip'
  | 'userAgent'
  | 'correlationId'
  | 'configVersion'
  | 'createdAt'
  | 'previousHash'
  | 'hash'
>;

/**
 * Hash of an entry: SHA-256 over its canonical content, which includes the previous hash. The
 * fields added after the first release (personal fields, parent entity) are hashed as one
 * trailing object, and only when one of them is set. So entries written before they existed keep
 * their hashes, while setting, clearing or editing one still changes the hash.
 */
export function hashEntry(entry: Omit<SealedEntry, 'hash'>): string {
  const content: unknown[] = [
    entry.tenantId,
    entry.id,
    entry.sequence,
    entry.actorType,
    entry.actorId,
    entry.action,
    entry.entityType,
    entry.entityId,
    entry.oldValues,
    entry.newValues,
    entry.subjectIds,
    entry.ip,
    entry.userAgent,
    entry.correlationId,
    entry.configVersion,
    entry.createdAt,
    entry.previousHash,
  ];
  const extensions: Record<string, unknown> = {};
  const personalFields = entry.personalFields ?? [];
  if (personalFields.length > 0) extensions.personalFields = personalFields;
  if (entry.parentEntityType || entry.parentEntityId) {
    extensions.parent = [entry.parentEntityType ?? null, entry.parentEntityId ?? null];
  }
  if (Object.keys(extensions).length > 0) content.push(extensions);
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/** Digest of a checkpoint's content; the `audit.archived` entry that confirms an archive carries it. */
export function checkpointDigest(checkpoint: {
  tenantId: string;
  id: string;
  kind: string;
  sequence: number;
  lastSequence: number;
  previousHashBefore: string;
  previousHashAfter: string;
  entries: number;
  reason: string;
  createdAt: string;
}): string {
  const content = canonicalJson([
    checkpoint.tenantId,
    checkpoint.id,
    checkpoint.kind,
    checkpoint.sequence,
    checkpoint.lastSequence,
    checkpoint.previousHashBefore,
    checkpoint.previousHashAfter,
    checkpoint.entries,
    checkpoint.reason,
    checkpoint.createdAt,
  ]);
  return createHash('sha256').update(content).digest('hex');
}

export interface ChainVerification {
  valid: boolean;
  entries: number;
  firstBrokenId?: string;
  firstBrokenSequence?: number;
  /** Sequence and previous hash the verification started from: genesis, or an archive checkpoint. */
  startSequence?: number;
  /** Reason the chain is invalid, when it is. */
  reason?: string;
}

/** The point a chain segment starts from: the first expected sequence and the hash it links to. */
export interface ChainAnchor {
  previousHash: string;
  sequence?: number;
}

/** Incremental verifier: feed entries in sequence order, then read the result. */
export class ChainVerifier {
  private expectedPrevious: string;
  private expectedSequence: number | undefined;
  private count = 0;
  private broken?: { id: string; sequence: number; reason: string };

  constructor(private readonly start: ChainAnchor = { previousHash: GENESIS_HASH, sequence: 1 }) {
    this.expectedPrevious = start.previousHash;
    this.expectedSequence = start.sequence;
  }

  add(entry: SealedEntry): void {
    this.count += 1;
    if (this.broken) return;
    const reason = this.check(entry);
    if (reason) {
      this.broken = { id: entry.id, sequence: entry.sequence, reason };
      return;
    }
    this.expectedPrevious = entry.hash;
    this.expectedSequence = entry.sequence + 1;
  }

  /** Returns the first entry that failed, if any. */
  firstBreak(): { id: string; sequence: number; reason: string } | undefined {
    return this.broken;
  }

  /** Hash of the last entry accepted, which the next entry must carry as its previous hash. */
  head(): string {
    return this.expectedPrevious;
  }

  result(): ChainVerification {
    const startSequence = this.start.sequence;
    if (!this.broken) return { valid: true, entries: this.count, startSequence };
    return {
      valid: false,
      entries: this.count,
      firstBrokenId: this.broken.id,
      firstBrokenSequence: this.broken.sequence,
      startSequence,
      reason: this.broken.reason,
    };
  }

  private check(entry: SealedEntry): string | undefined {
    if (this.expectedSequence !== undefined && entry.sequence !== this.expectedSequence) {
      return `expected sequence ${this.expectedSequence}, found ${entry.sequence}`;
    }
    if (entry.previousHash !== this.expectedPrevious) return 'previous hash does not match';
    if (hashEntry(entry) !== entry.hash) return 'content does not match its hash';
    return undefined;
  }
}
