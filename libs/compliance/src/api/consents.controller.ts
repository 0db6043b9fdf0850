import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { CurrentPrincipal, RequirePermission, type Principal } from '#kernel';
import { RecordConsentCommand } from '../commands/record-consent/record-consent.command.js';
import { ComplianceException } from '../domain/compliance.exception.js';
import type { ConsentView } from '../domain/consent.view.js';
import {
  ListConsentsQuery,
  type ConsentHistory,
} from '../queries/list-consents/list-consents.query.js';
import { ListConsentsDto, RecordConsentDto } from './consent.dto.js';

/** Permission that lets an officer record and read the consents of other users. */
export const OFFICER_PERMISSION = 'compliance.read';

@Controller('compliance/consents')
export class ConsentsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  /**
   * Records the caller's own decision (source `api`), or with `subjectId` another user's decision
   * taken on their behalf by an officer (source `officer`).
   */
  @Post()
  @RequirePermission('consents.manage_own')
  record(
    @CurrentPrincipal() principal: Principal,
    @Body() body: RecordConsentDto,
  ): Promise<ConsentView> {
    const subjectId = this.subjectOf(principal, body.subjectId, 'record consent for another user');
    const onBehalf = subjectId !== principal.actor.id;
    return this.commands.execute(
      new RecordConsentCommand(principal.tenantId, principal.actor, {
        subjectId,
        purpose: body.purpose,
        granted: body.granted,
        policyVersion: body.policyVersion,
        source: onBehalf ? 'officer' : 'api',
      }),
    );
  }

  @Get()
  @RequirePermission('consents.manage_own')
  list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListConsentsDto,
  ): Promise<ConsentHistory> {
    const subjectId = this.subjectOf(principal, query.subjectId, "read another user's consents");
    return this.queries.execute(
      new ListConsentsQuery(principal.tenantId, subjectId, query.limit, query.cursor),
    );
  }

  private subjectOf(principal: Principal, requested: string | undefined, action: string): string {
    if (principal.actor.type !== 'user') {
      throw ComplianceException.forbidden(
        'Consents belong to users; sign in as a user',
        'consents.manage_own',
      );
    }
    if (requested === undefined || requested === principal.actor.id) return principal.actor.id;
    if (!principal.permissions.has(OFFICER_PERMISSION)) {
      throw ComplianceException.forbidden(
        `You may not ${action}: it requires the ${OFFICER_PERMISSION} permission`,
        OFFICER_PERMISSION,
      );
    }
    return requested;
  }
}
