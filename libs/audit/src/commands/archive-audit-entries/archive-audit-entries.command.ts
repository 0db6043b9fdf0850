import { Command } from '@nestjs/cqrs';
import type { Actor } from '#kernel';

export interface AuditArchiveResult {
  dryRun: boolean;
  /** Entries archived, or that would be archived in a dry run. */
  entries: number;
  firstSequence: number | null;
  lastSequence: number | null;
  /** The archive file, when one was written. */
  file: string | null;
  checkpointId: string | null;
}

/**
 * Archives every entry older than `before` to `file` (JSON lines with a header) and removes them
 * from the live table, leaving an archive checkpoint. A dry run only counts them.
 */
export class ArchiveAuditEntriesCommand extends Command<AuditArchiveResult> {
  constructor(
    readonly tenantId: string,
    readonly actor: Actor,
    readonly before: Date,
    readonly file: string | null,
    readonly options: { dryRun?: boolean; tenantSlug?: string } = {},
  ) {
    super();
  }
}
