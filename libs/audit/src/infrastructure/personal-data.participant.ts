import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  PersonalDataRegistry,
  rewriteStrings,
  someString,
  type DataSubject,
  type ErasureContext,
  type ErasureCounts,
  type ExportSection,
  type PersonalDataParticipant,
  type RedactionTarget,
  type UnitOfWork,
} from '#kernel';
import { canonicalJson, type SealedEntry } from '../domain/audit-chain.js';
import { AuditCheckpoint } from '../domain/audit-checkpoint.entity.js';
import { toAuditEntryView } from '../domain/audit-entry.view.js';
import { AuditLogEntry } from '../domain/audit-log-entry.entity.js';
import { concernsSubject, type ErasableFields } from '../domain/erase-subject.js';
import { AuditSubjectRedactor } from './audit-subject-redactor.js';
import { rewriteChain } from './chain-rewriter.js';
import { likePattern } from './like-pattern.js';
import { lockChain, withRewritePermit } from './rewrite-permit.js';

const BATCH_SIZE = 500;
const REASON = 'erasure of a data subject';

interface RewriteOutcome {
  rewritten: number;
  resealed: number;
  checkpoint: boolean;
}

/**
 * The audit context's share of data-subject requests. Exports contain the entries about the
 * subject: those naming them as a subject, their user record's entries, and entries of their
 * actions. Erasure rewrites their personal data through AuditSubjectRedactor, which re-seals the
 * chain and records a checkpoint. It runs after every other participant, so every entry written
 * before it is covered.
 */
@Injectable()
export class AuditPersonalDataParticipant implements PersonalDataParticipant, OnModuleInit {
  readonly context = 'audit';
  readonly erasureOrder = 100;

  constructor(
    private readonly registry: PersonalDataRegistry,
    private readonly redactor: AuditSubjectRedactor,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async *export(
    manager: EntityManager,
    tenantId: string,
    subjectId: string,
  ): AsyncIterable<ExportSection> {
    yield { name: 'entries', records: this.entriesAbout(manager, tenantId, subjectId) };
  }

  /**
   * Rewrites mentions of the subject in entries about other people first (a name in someone
   * else's ticket), then lets AuditSubjectRedactor erase the entries about the subject. Each
   * pass re-seals the chain from its first change and records a `redaction` checkpoint.
   */
  async erase(
    unitOfWork: UnitOfWork,
    subject: DataSubject,
    context: ErasureContext,
  ): Promise<ErasureCounts> {
    const mentions = await this.eraseMentions(unitOfWork, subject, context);
    const result = await this.redactor.redactSubject(
      unitOfWork,
      unitOfWork.tenantId,
      subject.id,
      [...context.tenantWideIdentifiers, ...context.linkedIdentifiers],
      { actor: context.actor, reason: REASON },
    );
    return {
      'audit_log_entries.mentions_rewritten': mentions.rewritten,
      'audit_log_entries.linked': mentions.linked,
      'audit_log_entries.rewritten': result.entriesRewritten,
      'audit_log_entries.resealed': result.entriesResealed + mentions.resealed,
      'audit_checkpoints.recorded': (result.checkpointId ? 1 : 0) + (mentions.checkpoint ? 1 : 0),
    };
  }

  /**
   * Rewrites the change values of one ticket's entries, and of its comments' entries, with the
   * redaction's scrub function. Returns null for other kinds of record.
   */
  async redact(
    unitOfWork: UnitOfWork,
    target: RedactionTarget,
    scrub: (text: string) => string,
  ): Promise<ErasureCounts | null> {
    if (target.entityType !== 'ticket') return null;
    const belongs = (entry: SealedEntry) =>
      (entry.entityType === 'ticket' && entry.entityId === target.entityId) ||
      (entry.entityType === 'ticket_comment' &&
        (entry.newValues?.['ticketId'] === target.entityId ||
          entry.oldValues?.['ticketId'] === target.entityId));
    const outcome = await this.rewriteEntries(
      unitOfWork,
      (entry) => (belongs(entry) ? scrubValues(entry, scrub) : null),
      'redaction of a ticket',
    );
    return {
      'audit_log_entries.rewritten': outcome.rewritten,
      'audit_log_entries.resealed': outcome.resealed,
      'audit_checkpoints.recorded': outcome.checkpoint ? 1 : 0,
    };
  }

  /**
   * Replaces the subject's identifiers in the change values of entries that are not about them,
   * such as a ticket of someone else that names them. An entry is linked when its record or the
   * record's parent is in `context.linked`, or when its values contain a tenant-wide identifier.
   * Linked entries lose all of the subject's identifiers, and other entries the tenant-wide ones.
   */
  private async eraseMentions(
    unitOfWork: UnitOfWork,
    subject: DataSubject,
    context: ErasureContext,
  ): Promise<RewriteOutcome & { linked: number }> {
    const linked = new Set<string>();
    const isLinked = (entry: SealedEntry) =>
      context.linked.has(entry.entityType, entry.entityId) ||
      (entry.parentEntityType !== null &&
        entry.parentEntityId !== null &&
        context.linked.has(entry.parentEntityType, entry.parentEntityId)) ||
      someString(entry.oldValues, context.mentionsSubject) ||
      someString(entry.newValues, context.mentionsSubject);
    const outcome = await this.rewriteEntries(
      unitOfWork,
      (entry) => {
        if (concernsSubject(entry, subject.id)) return null;
        if (!isLinked(entry)) return scrubValues(entry, context.scrubKnown);
        linked.add(entry.id);
        return scrubValues(entry, context.scrubLinked);
      },
      REASON,
    );
    return { ...outcome, linked: linked.size };
  }

  /**
   * Rewrites the entries for which `rewrite` returns changes, re-seals the chain from the first
   * of them under a rewrite permit and records a `redaction` checkpoint. The change values are
   * encrypted, so finding the first entry to change reads the chain from its start.
   */
  private async rewriteEntries(
    unitOfWork: UnitOfWork,
    rewrite: (entry: SealedEntry) => Partial<ErasableFields> | null,
    reason: string,
  ): Promise<RewriteOutcome> {
    const { manager, tenantId } = unitOfWork;
    await lockChain(manager, tenantId);
    const first = await this.firstSequence(manager, tenantId, rewrite);
    if (first === null) return { rewritten: 0, resealed: 0, checkpoint: false };
    const outcome = await withRewritePermit(manager, tenantId, reason, () =>
      rewriteChain(manager, tenantId, first, rewrite),
    );
    if (outcome.rewritten === 0) {
      return { rewritten: 0, resealed: outcome.resealed, checkpoint: false };
    }
    await manager.insert(AuditCheckpoint, {
      tenantId,
      id: crypto.randomUUID(),
      kind: 'redaction',
      sequence: outcome.firstRewrittenSequence!,
      lastSequence: outcome.lastSequence,
      previousHashBefore: outcome.headBefore,
      previousHashAfter: outcome.headAfter,
      entries: outcome.rewritten,
      reason,
      createdAt: new Date().toISOString(),
    });
    return { rewritten: outcome.rewritten, resealed: outcome.resealed, checkpoint: true };
  }

  private async firstSequence(
    manager: EntityManager,
    tenantId: string,
    rewrite: (entry: SealedEntry) => Partial<ErasableFields> | null,
  ): Promise<number | null> {
    let after = 0;
    for (;;) {
      const batch = await manager
        .getRepository(AuditLogEntry)
        .createQueryBuilder('entry')
        .where('entry.tenantId = :tenantId AND entry.sequence > :after', { tenantId, after })
        .orderBy('entry.sequence', 'ASC')
        .limit(BATCH_SIZE)
        .getMany();
      const found = batch.find((entry) => rewrite(entry) !== null);
      if (found) return found.sequence;
      if (batch.length < BATCH_SIZE) return null;
      after = batch[batch.length - 1]!.sequence;
    }
  }

  private async *entriesAbout(
    manager: EntityManager,
    tenantId: string,
    subjectId: string,
  ): AsyncIterable<unknown> {
    let after = 0;
    for (;;) {
      const batch = await manager
        .getRepository(AuditLogEntry)
        .createQueryBuilder('entry')
        .where('entry.tenantId = :tenantId AND entry.sequence > :after', { tenantId, after })
        .andWhere(
          "(entry.subjectIds LIKE :subject ESCAPE '\\' OR entry.actorId = :subjectId OR (entry.entityType = 'user' AND entry.entityId = :subjectId))",
          { subject: likePattern(canonicalJson(subjectId)), subjectId },
        )
        .orderBy('entry.sequence', 'ASC')
        .limit(BATCH_SIZE)
        .getMany();
      for (const entry of batch) {
        if (concernsSubject(entry, subjectId)) yield toAuditEntryView(entry);
      }
      if (batch.length < BATCH_SIZE) return;
      after = batch[batch.length - 1]!.sequence;
    }
  }
}

/** Applies `scrub` to every string in an entry's change values; null when nothing changes. */
function scrubValues(
  entry: SealedEntry,
  scrub: (text: string) => string,
): Partial<ErasableFields> | null {
  const oldValues = rewriteStrings(entry.oldValues, scrub);
  const newValues = rewriteStrings(entry.newValues, scrub);
  if (oldValues.changed + newValues.changed === 0) return null;
  return {
    oldValues: oldValues.value as SealedEntry['oldValues'],
    newValues: newValues.value as SealedEntry['newValues'],
  };
}
