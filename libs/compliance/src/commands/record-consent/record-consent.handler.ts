import { CommandHandler, QueryBus, type ICommandHandler } from '@nestjs/cqrs';
import type { QueryDeepPartialEntity } from 'typeorm';
import { FindUserQuery, TenantDatabase } from '#kernel';
import { ComplianceException } from '../../domain/compliance.exception.js';
import { toConsentView, type ConsentView } from '../../domain/consent.view.js';
import { UserConsent } from '../../domain/user-consent.entity.js';
import { ConsentGivenEvent, ConsentWithdrawnEvent } from '../../events/compliance.events.js';
import { ConsentPolicy } from '../../infrastructure/consent-policy.js';
import { nextRevision } from '../../infrastructure/consent-records.js';
import { RecordConsentCommand } from './record-consent.command.js';

@CommandHandler(RecordConsentCommand)
export class RecordConsentHandler implements ICommandHandler<RecordConsentCommand> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly policy: ConsentPolicy,
    private readonly queries: QueryBus,
  ) {}

  async execute({ tenantId, actor, input }: RecordConsentCommand): Promise<ConsentView> {
    const { purposes, problems } = await this.policy.purposes(tenantId);
    if (problems.length > 0) throw ComplianceException.purposesMisconfigured(problems);
    const purpose = purposes.find((candidate) => candidate.code === input.purpose);
    if (!purpose) {
      throw ComplianceException.unknownPurpose(
        input.purpose,
        purposes.map((candidate) => candidate.code),
      );
    }
    if (purpose.policyVersion !== undefined && purpose.policyVersion !== input.policyVersion) {
      throw ComplianceException.policyVersionMismatch(purpose.code, purpose.policyVersion);
    }

    const subject = await this.queries.execute(new FindUserQuery(tenantId, input.subjectId));
    if (!subject) throw ComplianceException.subjectNotFound();
    if (subject.status === 'erased') throw ComplianceException.subjectErased();

    const consent = await this.database.write(tenantId, async (unitOfWork) => {
      const manager = unitOfWork.manager;
      const record = Object.assign(new UserConsent(), {
        tenantId,
        id: crypto.randomUUID(),
        subjectId: input.subjectId,
        revision: await nextRevision(manager, tenantId, input.subjectId),
        purpose: purpose.code,
        granted: input.granted,
        policyVersion: input.policyVersion,
        source: input.source,
        recordedBy: actor.id,
        recordedAt: input.decidedAt ?? new Date(),
      });
      await manager.insert(UserConsent, record as QueryDeepPartialEntity<UserConsent>);
      await unitOfWork.emit(
        record.granted
          ? new ConsentGivenEvent(record, actor)
          : new ConsentWithdrawnEvent(record, actor),
      );
      return record;
    });
    return toConsentView(consent);
  }
}
