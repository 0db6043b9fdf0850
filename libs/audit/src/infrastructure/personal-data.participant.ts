import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  PersonalDataRegistry,
  type DataSubject,
  type ErasureContext,
  type ErasureCounts,
  type ExportSection,
  type PersonalDataParticipant,
  type UnitOfWork,
} from '#kernel';
import { canonicalJson } from '../domain/audit-chain.js';
import { toAuditEntryView } from '../domain/audit-entry.view.js';
import { AuditLogEntry } from '../domain/audit-log-entry.entity.js';
import { concernsSubject } from '../domain/erase-subject.js';
import { AuditSubjectRedactor } from './audit-subject-redactor.js';
import { likePattern } from './like-pattern.js';

const BATCH_SIZE = 500;

/**
 * The audit context's share of data-subject requests: the entries about the subject (they are a
 * subject of it, it is their user record, or they acted) in exports, and on erasure their
 * personal data rewritten by AuditSubjectRedactor, which re-seals the chain and records a
 * checkpoint. It runs after every other participant, so it sees every entry written before.
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

  async erase(
    unitOfWork: UnitOfWork,
    subject: DataSubject,
    context: ErasureContext,
  ): Promise<ErasureCounts> {
    const result = await this.redactor.redactSubject(
      unitOfWork,
      unitOfWork.tenantId,
      subject.id,
      [subject.email, subject.displayName, ...subject.aliases],
      { actor: context.actor, reason: 'erasure of a data subject' },
    );
    return {
      'audit_log_entries.rewritten': result.entriesRewritten,
      'audit_log_entries.resealed': result.entriesResealed,
      'audit_checkpoints.recorded': result.checkpointId ? 1 : 0,
    };
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
