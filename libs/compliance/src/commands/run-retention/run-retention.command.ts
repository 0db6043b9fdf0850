import { Command } from '@nestjs/cqrs';
import type { Actor } from '#kernel';
import type { RetentionReport } from '../../domain/retention-report.js';

/**
 * Anonymises or purges the tenant's closed records whose retention period has passed, following
 * the tenant's `retentionRules` and `retentionDays` settings. With `dryRun` nothing changes and
 * the report lists what a run would do.
 */
export class RunRetentionCommand extends Command<RetentionReport> {
  constructor(
    readonly tenantId: string,
    readonly actor: Actor,
    readonly options: { dryRun: boolean; now?: Date },
  ) {
    super();
  }
}
