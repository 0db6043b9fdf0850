import { Controller, Get, Logger, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import { once } from 'node:events';
import { CurrentPrincipal, RequirePermission, type Principal } from '#kernel';
import { toSegmentLine } from '../domain/audit-segment.js';
import { AuditExports } from '../infrastructure/audit-exports.js';
import { ListAuditEntriesQuery } from '../queries/list-audit-entries/list-audit-entries.query.js';
import { VerifyAuditChainQuery } from '../queries/verify-audit-chain/verify-audit-chain.query.js';
import { AuditExportDto, AuditQueryDto, toTimeRange } from './audit-query.dto.js';

export const NDJSON_CONTENT_TYPE = 'application/x-ndjson';

@Controller('audit')
export class AuditController {
  private readonly logger = new Logger(AuditController.name);

  constructor(
    private readonly queries: QueryBus,
    private readonly exports: AuditExports,
  ) {}

  @Get()
  @RequirePermission('audit.read')
  list(@CurrentPrincipal() principal: Principal, @Query() query: AuditQueryDto) {
    const { limit, cursor, order, from, to, ...filters } = query;
    return this.queries.execute(
      new ListAuditEntriesQuery(
        principal.tenantId,
        { ...filters, ...toTimeRange({ from, to }) },
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

  /**
   * Streams a time range as JSON lines: a segment header, then one stored entry per line, which
   * `masala audit verify-archive` checks. Written batch by batch, waiting when the client is slow.
   */
  @Get('export')
  @RequirePermission('audit.read')
  async export(
    @CurrentPrincipal() principal: Principal,
    @Query() query: AuditExportDto,
    @Res() response: Response,
  ): Promise<void> {
    const range = toTimeRange(query);
    const { header, batches } = await this.exports.open(
      principal.tenantId,
      principal.actor,
      range,
      principal.tenantSlug,
    );
    const name = `audit-${principal.tenantSlug || principal.tenantId}-${header.firstSequence ?? 0}-${header.lastSequence ?? 0}.jsonl`;
    response.status(200);
    response.setHeader('Content-Type', `${NDJSON_CONTENT_TYPE}; charset=utf-8`);
    response.setHeader('Content-Disposition', `attachment; filename="${name}"`);
    response.setHeader('Cache-Control', 'no-store');

    const send = async (chunk: string): Promise<void> => {
      if (!response.write(chunk)) await once(response, 'drain');
    };
    try {
      await send(`${JSON.stringify(header)}\n`);
      for await (const batch of batches) {
        if (response.destroyed) return;
        await send(batch.map((entry) => `${toSegmentLine(entry)}\n`).join(''));
      }
      response.end();
    } catch (error) {
      this.logger.error({
        message: 'Audit export failed while streaming',
        tenantId: principal.tenantId,
        error: String(error),
      });
      response.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
