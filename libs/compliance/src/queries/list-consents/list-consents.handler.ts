import { QueryBus, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import {
  FindUserQuery,
  TenantDatabase,
  decodeCursor,
  encodeCursor,
  MasalaException,
} from '#kernel';
import { ComplianceException } from '../../domain/compliance.exception.js';
import { toConsentView } from '../../domain/consent.view.js';
import { UserConsent } from '../../domain/user-consent.entity.js';
import { ConsentPolicy } from '../../infrastructure/consent-policy.js';
import { currentConsents } from '../../infrastructure/consent-records.js';
import {
  ListConsentsQuery,
  type ConsentHistory,
  type PurposeState,
} from './list-consents.query.js';

@QueryHandler(ListConsentsQuery)
export class ListConsentsHandler implements IQueryHandler<ListConsentsQuery> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly policy: ConsentPolicy,
    private readonly queries: QueryBus,
  ) {}

  async execute({
    tenantId,
    subjectId,
    limit,
    cursor,
  }: ListConsentsQuery): Promise<ConsentHistory> {
    const subject = await this.queries.execute(new FindUserQuery(tenantId, subjectId));
    if (!subject) throw ComplianceException.subjectNotFound();
    const before = this.revisionBefore(cursor);
    const { purposes, problems } = await this.policy.purposes(tenantId);
    if (problems.length > 0) throw ComplianceException.purposesMisconfigured(problems);

    const { records, current } = await this.database.read(tenantId, async (manager) => {
      const query = manager
        .getRepository(UserConsent)
        .createQueryBuilder('consent')
        .where('consent.tenantId = :tenantId AND consent.subjectId = :subjectId', {
          tenantId,
          subjectId,
        })
        .orderBy('consent.revision', 'DESC')
        .limit(limit + 1);
      if (before !== undefined) query.andWhere('consent.revision < :before', { before });
      return {
        records: await query.getMany(),
        current: await currentConsents(manager, tenantId, subjectId),
      };
    });

    const page = records.slice(0, limit);
    const last = page[page.length - 1];
    const latest = new Map(current.map((record) => [record.purpose, record]));
    const states: PurposeState[] = purposes.map((purpose) => {
      const decision = latest.get(purpose.code);
      return {
        code: purpose.code,
        requiresConsent: purpose.requiresConsent,
        blocks: purpose.blocks,
        policyVersion: purpose.policyVersion ?? null,
        granted: decision ? Boolean(decision.granted) : null,
        grantedPolicyVersion: decision?.granted ? decision.policyVersion : null,
        decidedAt: decision?.recordedAt.toISOString() ?? null,
      };
    });
    return {
      subjectId,
      purposes: states,
      data: page.map(toConsentView),
      nextCursor:
        records.length > limit && last ? encodeCursor({ sort: last.revision, id: last.id }) : null,
    };
  }

  private revisionBefore(cursor: string | undefined): number | undefined {
    const position = decodeCursor(cursor);
    if (position === undefined) return undefined;
    if (typeof position.sort !== 'number' || !Number.isInteger(position.sort)) {
      throw MasalaException.validation([
        {
          field: 'cursor',
          rule: 'cursor',
          message: 'cursor is invalid; pass the nextCursor of a previous page',
        },
      ]);
    }
    return position.sort;
  }
}
