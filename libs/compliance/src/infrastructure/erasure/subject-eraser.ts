import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  FieldEncryption,
  MASALA_SETTINGS,
  PersonalDataRegistry,
  TenantDatabase,
  type Actor,
  type DataSubject,
  type ErasureContext,
  type ErasureCounts,
  type MasalaSettings,
} from '#kernel';
import {
  toReceiptIdentifier,
  type PlannedIdentifier,
} from '../../domain/erasure-identifiers.js';
import type { ErasureReceipt } from '../../domain/erasure-receipt.js';
import {
  SubjectErasedEvent,
  SubjectErasureCompletedEvent,
} from '../../events/compliance.events.js';
import { compileKnownValues, scrubPersonalData } from '../../pii/index.js';
import { checkpointSqliteFile, type CheckpointOutcome } from './sqlite-checkpoint.js';

/**
 * Erases a data subject (GDPR Art. 17) in two phases. In one unit of work, every participant
 * anonymises its records and `subject.erased` records the counts; if any step fails, nothing
 * changes. After the commit, participants remove files, the subject's key is destroyed (which
 * makes subject-keyed values unreadable in backups too), `subject.erasure_completed` records
 * that, and the SQLite WAL is checkpointed and truncated so no old page image stays on disk.
 */
@Injectable()
export class SubjectEraser {
  private readonly logger = new Logger(SubjectEraser.name);

  constructor(
    private readonly database: TenantDatabase,
    private readonly registry: PersonalDataRegistry,
    private readonly encryption: FieldEncryption,
    @Inject(MASALA_SETTINGS) private readonly settings: MasalaSettings,
  ) {}

  /** Erases `subject`, applying each of `identifiers` in its scope; see planIdentifiers. */
  async erase(
    tenantId: string,
    actor: Actor,
    subject: DataSubject,
    identifiers: readonly PlannedIdentifier[],
  ): Promise<ErasureReceipt> {
    const context = erasureContext(actor, identifiers);
    const applied = identifiers.map(toReceiptIdentifier);
    const counts = await this.database.write(tenantId, async (unitOfWork) => {
      const byContext: Record<string, ErasureCounts> = {};
      for (const participant of this.registry.erasureParticipants()) {
        byContext[participant.context] = await participant.erase(unitOfWork, subject, context);
      }
      await unitOfWork.emit(
        new SubjectErasedEvent(tenantId, actor, subject.id, {
          counts: byContext,
          identifiers: applied,
        }),
      );
      return byContext;
    });
    const erasedAt = new Date().toISOString();
    this.logger.log({ message: 'Erased a data subject', tenantId, subjectId: subject.id });

    const problems: string[] = [];
    const afterCommit = await this.afterCommit(tenantId, subject, context, problems);
    this.encryption.forgetPlaintexts();
    const subjectKey = this.destroyKey(tenantId, subject.id, problems);
    await this.database.write(tenantId, (unitOfWork) =>
      unitOfWork.emit(
        new SubjectErasureCompletedEvent(tenantId, actor, subject.id, {
          subjectKey,
          afterCommit,
          problems,
        }),
      ),
    );
    const walCheckpoint = await this.checkpoint(tenantId, problems);
    return {
      subjectId: subject.id,
      erasedAt,
      identifiers: applied,
      counts,
      afterCommit,
      subjectKey,
      walCheckpoint,
      complete: problems.length === 0,
      problems,
    };
  }

  private async afterCommit(
    tenantId: string,
    subject: DataSubject,
    context: ErasureContext,
    problems: string[],
  ): Promise<Record<string, ErasureCounts>> {
    const results: Record<string, ErasureCounts> = {};
    for (const participant of this.registry.erasureParticipants()) {
      if (!participant.afterErasure) continue;
      try {
        results[participant.context] = await participant.afterErasure(tenantId, subject, context);
      } catch (error) {
        problems.push(`${participant.context}: the step after the commit failed`);
        this.logger.error({
          message: 'Erasure step after commit failed',
          tenantId,
          subjectId: subject.id,
          context: participant.context,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return results;
  }

  private destroyKey(
    tenantId: string,
    subjectId: string,
    problems: string[],
  ): ErasureReceipt['subjectKey'] {
    try {
      return this.encryption.destroySubjectKey(tenantId, subjectId) ? 'destroyed' : 'none';
    } catch (error) {
      problems.push('the subject key could not be destroyed');
      this.logger.error({
        message: 'Destroying a subject key failed',
        tenantId,
        subjectId,
        error: error instanceof Error ? error.message : String(error),
      });
      return 'failed';
    }
  }

  private async checkpoint(
    tenantId: string,
    problems: string[],
  ): Promise<CheckpointOutcome | 'failed'> {
    try {
      const outcome = await this.database.router.withTenantStore(tenantId, async (store) =>
        store.kind === 'sqlite'
          ? checkpointSqliteFile(store.location, this.settings.sqliteBusyTimeoutMs)
          : 'not_applicable',
      );
      if (outcome === 'busy')
        problems.push(
          'the WAL checkpoint was blocked by a long reader; old pages stay in the WAL until the next checkpoint',
        );
      return outcome;
    } catch (error) {
      problems.push('the WAL checkpoint failed');
      this.logger.error({
        message: 'WAL checkpoint after erasure failed',
        tenantId,
        error: String(error),
      });
      return 'failed';
    }
  }
}

/**
 * Builds the context passed to the participants: the identifiers split by scope, their scrub
 * functions, and an empty set of linked records that the participants fill.
 */
export function erasureContext(
  actor: Actor,
  identifiers: readonly PlannedIdentifier[],
): ErasureContext {
  const valuesIn = (scope: PlannedIdentifier['scope']) =>
    identifiers.filter((identifier) => identifier.scope === scope).map(({ value }) => value);
  const tenantWide = valuesIn('tenant');
  const linkedOnly = valuesIn('linked_records');
  const known = compileKnownValues(tenantWide);
  const linked = compileKnownValues([...tenantWide, ...linkedOnly]);
  const records = new Set<string>();
  return {
    actor,
    tenantWideIdentifiers: tenantWide,
    linkedIdentifiers: linkedOnly,
    linked: {
      add: (entityType, id) => void records.add(`${entityType}:${id}`),
      has: (entityType, id) => records.has(`${entityType}:${id}`),
    },
    mentionsSubject: known.test,
    scrubKnown: known.scrub,
    scrubLinked: linked.scrub,
    scrubAll: (text: string) => scrubPersonalData(linked.scrub(text)).text,
  };
}
