import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TenantDatabase } from '#kernel';
import { AuditLogEntry } from '../domain/audit-log-entry.entity.js';
import { SEGMENT_FORMAT, SEGMENT_VERSION, type SegmentHeader } from '../domain/audit-segment.js';

const BATCH_SIZE = 500;

export interface SegmentRange {
  /** Inclusive lower bound on the entry time. */
  from?: Date;
  /** Exclusive upper bound on the entry time. */
  to?: Date;
}

/**
 * Reads a time range of a tenant's chain as a segment: a header, then the entries in sequence
 * order. Entry times never decrease along the chain (the recorder keeps them monotonic), so a time
 * range is one contiguous run of sequences and the segment verifies on its own.
 */
@Injectable()
export class AuditSegmentReader {
  constructor(private readonly database: TenantDatabase) {}

  async header(
    tenantId: string,
    kind: SegmentHeader['kind'],
    range: SegmentRange,
    tenantSlug: string | null = null,
  ): Promise<SegmentHeader> {
    return this.database.read(tenantId, async (manager) => {
      const bounds = await sequenceBounds(manager, tenantId, range);
      const base: SegmentHeader = {
        format: SEGMENT_FORMAT,
        version: SEGMENT_VERSION,
        kind,
        tenantId,
        tenantSlug,
        from: range.from?.toISOString() ?? null,
        to: range.to?.toISOString() ?? null,
        entries: 0,
        firstSequence: null,
        lastSequence: null,
        firstPreviousHash: null,
        lastHash: null,
        createdAt: new Date().toISOString(),
      };
      if (!bounds) return base;

      const [first, last] = await Promise.all([
        entryAt(manager, tenantId, bounds.first),
        entryAt(manager, tenantId, bounds.last),
      ]);
      const entries = await manager
        .getRepository(AuditLogEntry)
        .createQueryBuilder('entry')
        .where('entry.tenantId = :tenantId AND entry.sequence BETWEEN :first AND :last', {
          tenantId,
          ...bounds,
        })
        .getCount();
      return {
        ...base,
        entries,
        firstSequence: bounds.first,
        lastSequence: bounds.last,
        firstPreviousHash: first.previousHash,
        lastHash: last.hash,
      };
    });
  }

  /** Yields the entries the header covers, in sequence order, in batches. */
  async *entries(header: SegmentHeader): AsyncGenerator<AuditLogEntry[]> {
    if (header.firstSequence === null || header.lastSequence === null) return;
    const { tenantId, lastSequence } = header;
    let after = header.firstSequence - 1;
    while (after < lastSequence) {
      const batch = await this.database.read(tenantId, (manager) =>
        manager
          .getRepository(AuditLogEntry)
          .createQueryBuilder('entry')
          .where(
            'entry.tenantId = :tenantId AND entry.sequence > :after AND entry.sequence <= :lastSequence',
            {
              tenantId,
              after,
              lastSequence,
            },
          )
          .orderBy('entry.sequence', 'ASC')
          .limit(BATCH_SIZE)
          .getMany(),
      );
      if (batch.length === 0) return;
      yield batch;
      after = batch.at(-1)!.sequence;
    }
  }
}

async function sequenceBounds(
  manager: EntityManager,
  tenantId: string,
  range: SegmentRange,
): Promise<{ first: number; last: number } | undefined> {
  const builder = manager
    .getRepository(AuditLogEntry)
    .createQueryBuilder('entry')
    .select('MIN(entry.sequence)', 'first')
    .addSelect('MAX(entry.sequence)', 'last')
    .where('entry.tenantId = :tenantId', { tenantId });
  if (range.from) builder.andWhere('entry.createdAt >= :from', { from: range.from.toISOString() });
  if (range.to) builder.andWhere('entry.createdAt < :to', { to: range.to.toISOString() });
  const row = await builder.getRawOne<{
    first: number | string | null;
    last: number | string | null;
  }>();
  if (row?.first === null || row?.first === undefined || row.last === null) return undefined;
  return { first: Number(row.first), last: Number(row.last) };
}

async function entryAt(
  manager: EntityManager,
  tenantId: string,
  sequence: number,
): Promise<AuditLogEntry> {
  return manager.findOneOrFail(AuditLogEntry, { where: { tenantId, sequence } });
}
