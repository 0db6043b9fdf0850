import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import { CurrentPrincipal, RequirePermission, type Principal } from '#kernel';
import { CreateTicketCommand } from '../commands/create-ticket/create-ticket.command.js';
import { TransitionTicketCommand } from '../commands/transition-ticket/transition-ticket.command.js';
import type { TicketView } from '../domain/ticket.view.js';
import { TicketsException } from '../domain/tickets.exception.js';
import { GetTicketQuery } from '../queries/get-ticket/get-ticket.query.js';
import { ListTicketsQuery } from '../queries/list-tickets/list-tickets.query.js';
import { parseIfMatch } from './if-match.js';
import { CreateTicketDto, ListTicketsDto, TransitionTicketDto } from './ticket.dto.js';

/** An unparseable id is reported exactly like a missing ticket. */
const ticketId = new ParseUUIDPipe({ exceptionFactory: () => TicketsException.ticketNotFound() });

@Controller(['tickets', 'work-items'])
export class TicketsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @RequirePermission('tickets.create')
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateTicketDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TicketView> {
    const ticket = await this.commands.execute(new CreateTicketCommand(principal.tenantId, principal.actor, body));
    response.location(`/api/v1/tickets/${ticket.id}`).setHeader('ETag', `"${ticket.version}"`);
    return ticket;
  }

  @Get()
  @RequirePermission('tickets.read')
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListTicketsDto) {
    const { limit, cursor, ...filters } = query;
    return this.queries.execute(new ListTicketsQuery(principal, filters, limit, cursor));
  }

  @Get(':id')
  @RequirePermission('tickets.read')
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ticketId) id: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TicketView> {
    const ticket = await this.queries.execute(new GetTicketQuery(principal, id));
    response.setHeader('ETag', `"${ticket.version}"`);
    return ticket;
  }

  @Post(':id/transitions')
  @HttpCode(200)
  @RequirePermission('tickets.transition')
  async transition(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ticketId) id: string,
    @Body() body: TransitionTicketDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TicketView> {
    const ticket = await this.commands.execute(
      new TransitionTicketCommand(principal, id, body.to, parseIfMatch(ifMatch)),
    );
    response.setHeader('ETag', `"${ticket.version}"`);
    return ticket;
  }
}
