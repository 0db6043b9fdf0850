import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import {
  CurrentPrincipal,
  assertSetsAField,
  RequirePermission,
  type Page,
  type Principal,
  IfMatchRequired,
  parseIfMatch,
  requireIfMatch,
  uuidParam,
} from '#kernel';
import { AssignTicketCommand } from '../commands/assign-ticket/assign-ticket.command.js';
import { CreateTicketCommand } from '../commands/create-ticket/create-ticket.command.js';
import { DeleteTicketCommand } from '../commands/delete-ticket/delete-ticket.command.js';
import { TransitionTicketCommand } from '../commands/transition-ticket/transition-ticket.command.js';
import { UpdateTicketCommand } from '../commands/update-ticket/update-ticket.command.js';
import type { TicketView } from '../domain/ticket.view.js';
import { TicketsException } from '../domain/tickets.exception.js';
import { GetTicketQuery } from '../queries/get-ticket/get-ticket.query.js';
import { ListTicketsQuery } from '../queries/list-tickets/list-tickets.query.js';
import { parseTicketSort } from '../queries/list-tickets/ticket-sort.js';
import { assertFieldPermissions } from './field-permissions.js';
import { AssignTicketDto, CreateTicketDto, ListTicketsDto, TransitionTicketDto, UpdateTicketDto } from './ticket.dto.js';

/** An unparseable id is reported exactly like a missing ticket. */
export const ticketIdPipe = uuidParam(() => TicketsException.ticketNotFound());

const withETag = (response: Response, ticket: TicketView): TicketView => {
  response.setHeader('ETag', `"${ticket.version}"`);
  return ticket;
};

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
    assertFieldPermissions(principal, body, ['typeCode']);
    const ticket = await this.commands.execute(new CreateTicketCommand(principal.tenantId, principal.actor, body));
    response.location(`/api/v1/tickets/${ticket.id}`);
    return withETag(response, ticket);
  }

  @Get()
  @RequirePermission('tickets.read')
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListTicketsDto): Promise<Page<TicketView>> {
    const { limit, cursor, sort, order, ...filters } = query;
    return this.queries.execute(new ListTicketsQuery(principal, filters, limit, cursor, parseTicketSort(sort, order)));
  }

  @Get(':id')
  @RequirePermission('tickets.read')
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ticketIdPipe) id: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TicketView> {
    return withETag(response, await this.queries.execute(new GetTicketQuery(principal, id)));
  }

  /**
   * Partial update. If-Match is required so that no change silently overwrites another. `*`
   * states that the caller means to overwrite whatever version is current.
   */
  @Patch(':id')
  @RequirePermission('tickets.update')
  @IfMatchRequired()
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ticketIdPipe) id: string,
    @Body() body: UpdateTicketDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TicketView> {
    assertSetsAField(body);
    assertFieldPermissions(principal, body);
    const version = requireIfMatch(ifMatch, () => TicketsException.ifMatchRequired());
    return withETag(response, await this.commands.execute(new UpdateTicketCommand(principal, id, body, version)));
  }

  /** Soft delete. Callers without `tickets.delete` get 403 whether or not the ticket exists. */
  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('tickets.delete')
  async remove(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ticketIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<void> {
    await this.commands.execute(new DeleteTicketCommand(principal, id, parseIfMatch(ifMatch)));
  }

  @Post(':id/transitions')
  @HttpCode(200)
  @RequirePermission('tickets.transition')
  async transition(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ticketIdPipe) id: string,
    @Body() body: TransitionTicketDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TicketView> {
    const command = new TransitionTicketCommand(principal, id, body.to, parseIfMatch(ifMatch));
    return withETag(response, await this.commands.execute(command));
  }

  @Post(':id/assignment')
  @HttpCode(200)
  @RequirePermission('tickets.assign')
  async assign(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ticketIdPipe) id: string,
    @Body() body: AssignTicketDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TicketView> {
    const command = new AssignTicketCommand(principal, id, body.assigneeId, parseIfMatch(ifMatch));
    return withETag(response, await this.commands.execute(command));
  }
}
