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

type HashedFields = Omit<AuditLogEntry, 'hash'>;

/** Hash of an entry: SHA-256 over its canonical content, which includes the previous hash. */
export function hashEntry(entry: HashedFields): string {
  const content = canonicalJson([
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
  ]);
  return createHash('sha256').update(content).digest('hex');
}

export interface ChainVerification {
  valid: boolean;
  entries: number;
  firstBrokenId?: string;
  firstBrokenSequence?: number;
}

/** Incremental verifier: feed entries in sequence order, then read the result. */
export class ChainVerifier {
  private expectedPrevious: string;
  private expectedSequence: number | undefined;
  private count = 0;
  private broken?: { id: string; sequence: number };

  constructor(start: { previousHash: string; sequence?: number } = { previousHash: GENESIS_HASH }) {
    this.expectedPrevious = start.previousHash;
    this.expectedSequence = start.sequence;
  }

  add(entry: AuditLogEntry): void {
    this.count += 1;
    if (this.broken) return;
    const sequenceOk = this.expectedSequence === undefined || entry.sequence === this.expectedSequence;
    if (!sequenceOk || entry.previousHash !== this.expectedPrevious || hashEntry(entry) !== entry.hash) {
      this.broken = { id: entry.id, sequence: entry.sequence };
      return;
    }
    this.expectedPrevious = entry.hash;
    this.expectedSequence = entry.sequence + 1;
  }

  result(): ChainVerification {
    return this.broken
      ? { valid: false, entries: this.count, firstBrokenId: this.broken.id, firstBrokenSequence: this.broken.sequence }
      : { valid: true, entries: this.count };
  }
}
