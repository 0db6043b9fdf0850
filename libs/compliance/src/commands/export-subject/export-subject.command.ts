import { Command } from '@nestjs/cqrs';
import type { Writable } from 'node:stream';
import type { Actor } from '#kernel';
import type { ExportSummary } from '../../infrastructure/export/subject-exporter.js';

/** An export that was checked and audited, ready to be written to a stream once. */
export interface PreparedExport {
  subjectId: string;
  /** Suggested file name, for Content-Disposition and the CLI. */
  fileName: string;
  writeTo(sink: Writable): Promise<ExportSummary>;
}

/**
 * Prepares a data-subject export (GDPR Art. 15 and 20) of the tenant's user `subjectId`, which
 * the caller then streams. A user of another tenant is reported as missing.
 */
export class ExportSubjectCommand extends Command<PreparedExport> {
  constructor(
    readonly tenantId: string,
    readonly actor: Actor,
    readonly subjectId: string,
  ) {
    super();
  }
}
