import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SYSTEM_ACTOR, type Actor, type UnitOfWork } from '#kernel';
import { canonicalJson } from '../domain/audit-chain.js';
import { AuditCheckpoint } from '../domain/audit-checkpoint.entity.js';
import { AuditLogEntry } from '../domain/audit-log-entry.entity.js';
import { AuditException } from '../domain/audit.exception.js';
import { eraseSubject, normaliseReplacements } from '../domain/erase-subject.js';
import { AuditSubjectRedactedEvent } from '../events/audit.events.js';
import { rewriteChain } from './chain-rewriter.js';
import { likePattern } from './like-pattern.js';
import { lockChain, withRewritePermit } from './rewrite-permit.js';

const SUBJECT_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export interface AuditRedactionOptions {
  /** Requester of the erasure, recorded as the actor of the `audit.redacted` entry. */
  actor?: Actor;
  /** Stored on the permit and the checkpoint, at most 200 characters. */
  reason?: string;
}

export interface AuditRedactionResult {
  /** Entries whose content changed. */
  entriesRewritten: number;
  /** Entries whose hashes changed, the rewritten ones included. */
  entriesResealed: number;
  /** The `redaction` checkpoint, or null when no entry changed. */
  checkpointId: string | null;
  /** First rewritten sequence and the chain head that was re-sealed, when something changed. */
  sequence: number | null;
  lastSequence: number | null;
}

/**
 * Erases one person from a tenant's audit trail inside the caller's unit of work, which is
 * the erasure's own transaction: if anything fails, the erasure rolls back with it.
 */
@Injectable()
export class AuditSubjectRedactor {
  private readonly logger = new Logger(AuditSubjectRedactor.name);

  /**
   * Rewrites the personal fields and every occurrence of `replacements` in the entries about
   * `subjectId` (see `eraseSubject`), re-seals the chain from the first changed entry to the head
   * under a rewrite permit, records a `redaction` checkpoint, and appends an `audit.redacted`
   * entry. Raises AuditException.chainBroken, changing nothing, when the chain is already broken
   * from the first entry about the person onwards.
   */
  async redactSubject(
    unitOfWork: UnitOfWork,
    tenantId: string,
    subjectId: string,
    replacements: string[],
    options: AuditRedactionOptions = {},
  ): Promise<AuditRedactionResult> {
    if (unitOfWork.tenantId !== tenantId) {
      throw new Error(
        `redactSubject for tenant ${tenantId} called in a unit of work of tenant ${unitOfWork.tenantId}`,
      );
    }
    if (!SUBJECT_ID.test(subjectId)) {
      throw AuditException.invalid(
        'subjectId',
        'format',
        'subjectId must be 1 to 64 letters, digits or ._:-',
      );
    }
    const reason = (options.reason ?? 'erasure of a data subject').slice(0, 200);
    const erasure = { subjectId, replacements: normaliseReplacements(replacements) };
    const manager = unitOfWork.manager;

    await lockChain(manager, tenantId);
    const first = await firstSequenceAbout(manager, tenantId, subjectId);
    const rewrite =
      first === null
        ? null
        : await withRewritePermit(manager, tenantId, reason, () =>
            rewriteChain(manager, tenantId, first, (entry) => eraseSubject(entry, erasure)),
          );

    let checkpointId: string | null = null;
    if (rewrite && rewrite.rewritten > 0) {
      checkpointId = crypto.randomUUID();
      const checkpoint: AuditCheckpoint = {
        tenantId,
        id: checkpointId,
        kind: 'redaction',
        sequence: rewrite.firstRewrittenSequence!,
        lastSequence: rewrite.lastSequence,
        previousHashBefore: rewrite.headBefore,
        previousHashAfter: rewrite.headAfter,
        entries: rewrite.rewritten,
        reason,
        createdAt: new Date().toISOString(),
      };
      await manager.insert(AuditCheckpoint, checkpoint);
    }

    const result: AuditRedactionResult = {
      entriesRewritten: rewrite?.rewritten ?? 0,
      entriesResealed: rewrite?.resealed ?? 0,
      checkpointId,
      sequence: checkpointId ? rewrite!.firstRewrittenSequence : null,
      lastSequence: checkpointId ? rewrite!.lastSequence : null,
    };
    await unitOfWork.emit(
      new AuditSubjectRedactedEvent(tenantId, options.actor ?? SYSTEM_ACTOR, subjectId, {
        ...result,
        reason,
      }),
    );
    this.logger.log({ message: 'Erased a subject from the audit trail', tenantId, ...result });
    return result;
  }
}

async function firstSequenceAbout(
  manager: EntityManager,
  tenantId: string,
  subjectId: string,
): Promise<number | null> {
  const row = await manager
    .getRepository(AuditLogEntry)
    .createQueryBuilder('entry')
    .select('MIN(entry.sequence)', 'first')
    .where('entry.tenantId = :tenantId', { tenantId })
    .andWhere(
      "(entry.subjectIds LIKE :subject ESCAPE '\\' OR entry.actorId = :subjectId OR (entry.entityType = 'user' AND entry.entityId = :subjectId))",
      { subject: likePattern(canonicalJson(subjectId)), subjectId },
    )
    .getRawOne<{ first: number | string | null }>();
  return row?.first === null || row?.first === undefined ? null : Number(row.first);
}
