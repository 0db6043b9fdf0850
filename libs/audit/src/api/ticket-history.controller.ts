import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  CurrentPrincipal,
  ErrorCode,
  MasalaException,
  RequirePermission,
  type Principal,
  uuidParam,
} from '#kernel';
import { GetTicketHistoryQuery } from '../queries/get-ticket-history/get-ticket-history.query.js';
import { HistoryQueryDto } from './audit-query.dto.js';

/** An unparseable id is reported exactly like a missing ticket, as on the ticket routes. */
const ticketId = uuidParam(() => new MasalaException(ErrorCode.NotFound, 'Ticket not found'));

@Controller(['tickets', 'work-items'])
export class TicketHistoryController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id/history')
  @RequirePermission('tickets.read')
  history(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ticketId) id: string,
    @Query() query: HistoryQueryDto,
  ) {
    return this.queries.execute(
      new GetTicketHistoryQuery(principal, id, query.limit, query.cursor),
    );
  }
}
