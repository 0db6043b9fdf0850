import { Injectable } from '@nestjs/common';
import { TenantDatabase, type Actor } from '#kernel';
import type { AuditLogEntry } from '../domain/audit-log-entry.entity.js';
import type { SegmentHeader } from '../domain/audit-segment.js';
import { AuditEntriesExportedEvent } from '../events/audit.events.js';
import { AuditSegmentReader, type SegmentRange } from './audit-segment-reader.js';

export interface AuditExport {
  header: SegmentHeader;
  batches: AsyncIterable<AuditLogEntry[]>;
}

/** Exports of a time range for auditors; each export is itself recorded as `audit.exported`. */
@Injectable()
export class AuditExports {
  constructor(
    private readonly database: TenantDatabase,
    private readonly segments: AuditSegmentReader,
  ) {}

  /**
   * Fixes the segment (its header names the last sequence, so entries appended later are not
   * included, the `audit.exported` entry among them), records the export, and returns the batches.
   */
  async open(
    tenantId: string,
    actor: Actor,
    range: SegmentRange,
    tenantSlug: string | null,
  ): Promise<AuditExport> {
    const header = await this.segments.header(tenantId, 'export', range, tenantSlug);
    await this.database.write(tenantId, (unitOfWork) =>
      unitOfWork.emit(
        new AuditEntriesExportedEvent(tenantId, actor, {
          from: header.from,
          to: header.to,
          entries: header.entries,
        }),
      ),
    );
    return { header, batches: this.segments.entries(header) };
  }
}
