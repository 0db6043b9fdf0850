import { ChainVerifier, type ChainVerification, type SealedEntry } from './audit-chain.js';

export const SEGMENT_FORMAT = 'ticket-masala-audit-segment';
export const SEGMENT_VERSION = 1;

/**
 * First line of an audit export or archive file (JSON lines). The entries that follow, one per
 * line in sequence order, form a contiguous run of the tenant's chain from `firstSequence`,
 * whose first entry links to `firstPreviousHash` and whose last entry has the hash `lastHash`.
 */
export interface SegmentHeader {
  format: typeof SEGMENT_FORMAT;
  version: typeof SEGMENT_VERSION;
  kind: 'export' | 'archive';
  tenantId: string;
  tenantSlug: string | null;
  /** Requested time range: `from` inclusive, `to` exclusive, ISO-8601 UTC; null when open. */
  from: string | null;
  to: string | null;
  entries: number;
  firstSequence: number | null;
  lastSequence: number | null;
  firstPreviousHash: string | null;
  lastHash: string | null;
  createdAt: string;
}

const HASH = /^[0-9a-f]{64}$/;

export class SegmentFormatError extends Error {}

export function parseSegmentHeader(line: string): SegmentHeader {
  const header = parseJsonObject(line, 'header');
  if (header.format !== SEGMENT_FORMAT || header.version !== SEGMENT_VERSION) {
    throw new SegmentFormatError(
      `the first line is not a ${SEGMENT_FORMAT} version ${SEGMENT_VERSION} header`,
    );
  }
  const empty = header.entries === 0;
  const problems = [
    typeof header.tenantId === 'string' ? null : 'tenantId',
    Number.isSafeInteger(header.entries) && (header.entries as number) >= 0 ? null : 'entries',
    empty || Number.isSafeInteger(header.firstSequence) ? null : 'firstSequence',
    empty || Number.isSafeInteger(header.lastSequence) ? null : 'lastSequence',
    empty || HASH.test(String(header.firstPreviousHash)) ? null : 'firstPreviousHash',
    empty || HASH.test(String(header.lastHash)) ? null : 'lastHash',
  ].filter((problem) => problem !== null);
  if (problems.length > 0)
    throw new SegmentFormatError(`the header has invalid fields: ${problems.join(', ')}`);
  return header as unknown as SegmentHeader;
}

export function parseSegmentEntry(line: string, lineNumber: number): SealedEntry {
  const entry = parseJsonObject(line, `line ${lineNumber}`);
  const strings = [
    'tenantId',
    'id',
    'actorType',
    'actorId',
    'action',
    'entityType',
    'entityId',
    'correlationId',
  ];
  const missing = [
    ...[...strings, 'createdAt', 'previousHash', 'hash'].filter(
      (key) => typeof entry[key] !== 'string',
    ),
    Number.isSafeInteger(entry.sequence) ? null : 'sequence',
    Array.isArray(entry.subjectIds) ? null : 'subjectIds',
  ].filter((problem) => problem !== null);
  if (missing.length > 0)
    throw new SegmentFormatError(`line ${lineNumber} has invalid fields: ${missing.join(', ')}`);
  return {
    personalFields: [],
    parentEntityType: null,
    parentEntityId: null,
    ...entry,
  } as unknown as SealedEntry;
}

/** Result of checking a segment file: the chain check plus the header's promises. */
export type SegmentVerification = ChainVerification & { header?: SegmentHeader };

/**
 * Verifies a segment read line by line: the header, the hash, link and tenant of every entry, and
 * that the count and last hash match the header. So a truncated or extended file fails as well as
 * an edited one.
 */
export async function verifySegment(lines: AsyncIterable<string>): Promise<SegmentVerification> {
  let header: SegmentHeader | undefined;
  let verifier: ChainVerifier | undefined;
  let lineNumber = 0;
  let lastHash: string | null = null;
  let wrongTenant: { id: string; sequence: number } | undefined;

  for await (const line of lines) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    if (!header) {
      header = parseSegmentHeader(line);
      verifier = new ChainVerifier({
        previousHash: header.firstPreviousHash ?? '',
        sequence: header.firstSequence ?? undefined,
      });
      continue;
    }
    const entry = parseSegmentEntry(line, lineNumber);
    if (entry.tenantId !== header.tenantId && !wrongTenant)
      wrongTenant = { id: entry.id, sequence: entry.sequence };
    verifier!.add(entry);
    lastHash = entry.hash;
  }
  if (!header || !verifier) throw new SegmentFormatError('the file is empty');

  const result = verifier.result();
  if (!result.valid) return { ...result, header };
  if (wrongTenant) {
    return {
      ...result,
      valid: false,
      firstBrokenId: wrongTenant.id,
      firstBrokenSequence: wrongTenant.sequence,
      reason: 'entry belongs to another tenant',
      header,
    };
  }
  if (result.entries !== header.entries) {
    return {
      ...result,
      valid: false,
      reason: `header promises ${header.entries} entries, found ${result.entries}`,
      header,
    };
  }
  if (header.entries > 0 && lastHash !== header.lastHash) {
    return {
      ...result,
      valid: false,
      reason: 'the last entry does not have the hash the header names',
      header,
    };
  }
  return { ...result, header };
}

function parseJsonObject(line: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new SegmentFormatError(`${what} is not valid JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SegmentFormatError(`${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** Serialises the stored fields of an entry as one segment line, in a fixed order. */
export function toSegmentLine(entry: SealedEntry): string {
  const record: SealedEntry = {
    tenantId: entry.tenantId,
    id: entry.id,
    sequence: entry.sequence,
    actorType: entry.actorType,
    actorId: entry.actorId,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    parentEntityType: entry.parentEntityType,
    parentEntityId: entry.parentEntityId,
    oldValues: entry.oldValues,
    newValues: entry.newValues,
    subjectIds: entry.subjectIds,
    personalFields: entry.personalFields,
    ip: entry.ip,
    userAgent: entry.userAgent,
    correlationId: entry.correlationId,
    configVersion: entry.configVersion,
    createdAt: entry.createdAt,
    previousHash: entry.previousHash,
    hash: entry.hash,
  };
  return JSON.stringify(record);
}
