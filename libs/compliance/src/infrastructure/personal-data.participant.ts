import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  PersonalDataRegistry,
  type DataSubject,
  type ErasureCounts,
  type ExportSection,
  type PersonalDataParticipant,
  type UnitOfWork,
} from '#kernel';
import { toConsentView } from '../domain/consent.view.js';
import { UserConsent } from '../domain/user-consent.entity.js';

const BATCH_SIZE = 500;

/**
 * The compliance context's own records about a subject: their consent history. Erasure keeps
 * it, because the controller must be able to show that processing had consent (GDPR Art. 7(1)),
 * and the records hold no e-mail address or name, only the user id, which identifies no one once
 * the account is anonymised.
 */
@Injectable()
export class CompliancePersonalDataParticipant implements PersonalDataParticipant, OnModuleInit {
  readonly context = 'compliance';

  constructor(private readonly registry: PersonalDataRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async *export(
    manager: EntityManager,
    tenantId: string,
    subjectId: string,
  ): AsyncIterable<ExportSection> {
    yield { name: 'consents', records: this.consents(manager, tenantId, subjectId) };
  }

  async erase(unitOfWork: UnitOfWork, subject: DataSubject): Promise<ErasureCounts> {
    const kept = await unitOfWork.manager.count(UserConsent, {
      where: { tenantId: unitOfWork.tenantId, subjectId: subject.id },
    });
    return { 'user_consents.kept': kept };
  }

  private async *consents(
    manager: EntityManager,
    tenantId: string,
    subjectId: string,
  ): AsyncIterable<unknown> {
    let after = 0;
    for (;;) {
      const batch = await manager
        .getRepository(UserConsent)
        .createQueryBuilder('consent')
        .where('consent.tenantId = :tenantId AND consent.subjectId = :subjectId', {
          tenantId,
          subjectId,
        })
        .andWhere('consent.revision > :after', { after })
        .orderBy('consent.revision', 'ASC')
        .limit(BATCH_SIZE)
        .getMany();
      for (const consent of batch) yield toConsentView(consent);
      if (batch.length < BATCH_SIZE) return;
      after = batch[batch.length - 1]!.revision;
    }
  }
}
