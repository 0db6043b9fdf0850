import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { CurrentPrincipal, RequirePermission, type Principal } from '#kernel';
import { ListAuditEntriesQuery } from '../queries/list-audit-entries/list-audit-entries.query.js';
import { VerifyAuditChainQuery } from '../queries/verify-audit-chain/verify-audit-chain.query.js';
import { AuditQueryDto } from './audit-query.dto.js';

@Controller('audit')
export class AuditController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @RequirePermission('audit.read')
  list(@CurrentPrincipal() principal: Principal, @Query() query: AuditQueryDto) {
    const { limit, cursor, order, from, to, ...filters } = query;
    return this.queries.execute(
      new ListAuditEntriesQuery(
        principal.tenantId,
        { ...filters, from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined },
        limit,
        cursor,
        order,
      ),
    );
  }

  @Get('verify')
  @RequirePermission('audit.read')
  verify(@CurrentPrincipal() principal: Principal) {
    return this.queries.execute(new VerifyAuditChainQuery(principal.tenantId));
  }
}
