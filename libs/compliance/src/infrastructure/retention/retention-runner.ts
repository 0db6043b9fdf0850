import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  FieldEncryption,
  MASALA_SETTINGS,
  PersonalDataRegistry,
  TenantDatabase,
  type Actor,
  type ErasureCounts,
  type MasalaSettings,
  type RetentionCandidate,
  type RetentionRule,
} from '#kernel';
import type { RetentionReport } from '../../domain/retention-report.js';
import { RetentionAppliedEvent, RetentionCompletedEvent } from '../../events/compliance.events.js';
import { checkpointSqliteFile } from '../erasure/sqlite-checkpoint.js';

/** Expired records read, and changed, per unit of work. */
const BATCH_SIZE = 200;
const SAMPLE_SIZE = 100;

/**
 * Walks every context's expired records in batches. Each batch of a real run is changed in its
 * own unit of work with one `retention.applied` audit entry, so a long run never holds the write
 * queue for long, and an interrupted run resumes where it stopped when started again. A real run
 * ends with one `retention.completed` entry, also when nothing expired, as proof that it ran.
 */
@Injectable()
export class RetentionRunner {
  private readonly logger = new Logger(RetentionRunner.name);

  constructor(
    private readonly database: TenantDatabase,
    private readonly registry: PersonalDataRegistry,
    @Inject(MASALA_SETTINGS) private readonly settings: MasalaSettings,
    private readonly encryption: FieldEncryption,
  ) {}

  async run(
    tenantId: string,
    actor: Actor,
    rules: RetentionRule[],
    dryRun: boolean,
    now: Date,
  ): Promise<RetentionReport> {
    const report: RetentionReport = {
      tenantId,
      dryRun,
      checkedAt: now.toISOString(),
      rules,
      expired: {},
      sample: [],
      applied: {},
    };
    for (const participant of this.registry.participants()) {
      const retention = participant.retention;
      if (!retention || rules.length === 0) continue;
      let after: string | undefined;
      for (;;) {
        const batch = await this.database.read(tenantId, (manager) =>
          retention.findExpired(manager, tenantId, rules, now, BATCH_SIZE, after),
        );
        if (batch.length === 0) break;
        this.tally(report, participant.context, batch);
        if (!dryRun) {
          const counts = await this.database.write(tenantId, async (unitOfWork) => {
            const changed = await retention.applyRetention(unitOfWork, batch);
            const details = {
              context: participant.context,
              records: batch.length,
              counts: changed,
            };
            await unitOfWork.emit(new RetentionAppliedEvent(tenantId, actor, details));
            return changed;
          });
          add((report.applied[participant.context] ??= {}), counts);
          if (retention.afterRetention) {
            add(
              report.applied[participant.context]!,
              await this.afterRetention(tenantId, participant.context, () =>
                retention.afterRetention!(tenantId, batch),
              ),
            );
          }
        }
        if (batch.length < BATCH_SIZE) break;
        after = batch[batch.length - 1]!.entityId;
      }
    }
    if (!dryRun) {
      const summary = { expired: report.expired, applied: report.applied, rules };
      await this.database.write(tenantId, (unitOfWork) =>
        unitOfWork.emit(new RetentionCompletedEvent(tenantId, actor, summary)),
      );
      if (Object.keys(report.applied).length > 0) {
        this.encryption.forgetPlaintexts();
        await this.checkpoint(tenantId);
      }
    }
    this.logger.log({
      message: 'Retention run finished',
      tenantId,
      dryRun,
      applied: report.applied,
    });
    return report;
  }

  /** Runs a participant's step after the commit; a failure is logged and leaves the run going. */
  private async afterRetention(
    tenantId: string,
    context: string,
    work: () => Promise<ErasureCounts>,
  ): Promise<ErasureCounts> {
    try {
      return await work();
    } catch (error) {
      this.logger.error({
        message: 'Retention step after commit failed',
        tenantId,
        context,
        error: String(error),
      });
      return {};
    }
  }

  private tally(
    report: RetentionReport,
    context: string,
    batch: readonly RetentionCandidate[],
  ): void {
    const byDomain = (report.expired[context] ??= {});
    for (const candidate of batch) {
      const counts = (byDomain[candidate.domainId] ??= { anonymise: 0, purge: 0 });
      counts[candidate.action] += 1;
      if (report.sample.length < SAMPLE_SIZE) report.sample.push(candidate);
    }
  }

  /** Truncates the SQLite WAL, so purged rows leave no page image behind. */
  private async checkpoint(tenantId: string): Promise<void> {
    try {
      await this.database.router.withTenantStore(tenantId, async (store) => {
        if (store.kind === 'sqlite')
          checkpointSqliteFile(store.location, this.settings.sqliteBusyTimeoutMs);
      });
    } catch (error) {
      this.logger.error({
        message: 'WAL checkpoint after retention failed',
        tenantId,
        error: String(error),
      });
    }
  }
}

function add(total: ErasureCounts, counts: ErasureCounts): void {
  for (const [field, count] of Object.entries(counts)) total[field] = (total[field] ?? 0) + count;
}
