import { Logger } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { HasConsentQuery, TenantDatabase } from '#kernel';
import { purposesBlocking } from '../../domain/consent-purposes.js';
import { ConsentPolicy } from '../../infrastructure/consent-policy.js';
import { currentConsents } from '../../infrastructure/consent-records.js';

/**
 * Allows processing unless a purpose that requires consent and blocks it lacks a current grant:
 * the subject's latest decision must be a grant, and for the purpose's current policy version
 * when the purpose names one. An invalid purposes setting fails closed.
 */
@QueryHandler(HasConsentQuery)
export class HasConsentHandler implements IQueryHandler<HasConsentQuery> {
  private readonly logger = new Logger(HasConsentHandler.name);

  constructor(
    private readonly database: TenantDatabase,
    private readonly policy: ConsentPolicy,
  ) {}

  async execute({ tenantId, subjectId, processing }: HasConsentQuery): Promise<boolean> {
    const { purposes, problems } = await this.policy.purposes(tenantId);
    if (problems.length > 0) {
      this.logger.warn({
        message: 'Blocking processing: consent purposes are invalid',
        tenantId,
        processing,
      });
      return false;
    }
    const blocking = purposesBlocking(purposes, processing);
    if (blocking.length === 0) return true;

    const codes = blocking.map((purpose) => purpose.code);
    const decisions = await this.database.read(tenantId, (manager) =>
      currentConsents(manager, tenantId, subjectId, codes),
    );
    const byPurpose = new Map(decisions.map((decision) => [decision.purpose, decision]));
    return blocking.every((purpose) => {
      const decision = byPurpose.get(purpose.code);
      if (!decision || !decision.granted) return false;
      return (
        purpose.policyVersion === undefined || decision.policyVersion === purpose.policyVersion
      );
    });
  }
}
