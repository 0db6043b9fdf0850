import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import {
  CurrentPrincipal,
  assertSetsAField,
  RequirePermission,
  type Page,
  type Principal,
  parseIfMatch,
  uuidParam,
} from '#kernel';
import { CreateSavedFilterCommand } from '../commands/create-saved-filter/create-saved-filter.command.js';
import { DeleteSavedFilterCommand } from '../commands/delete-saved-filter/delete-saved-filter.command.js';
import { UpdateSavedFilterCommand } from '../commands/update-saved-filter/update-saved-filter.command.js';
import type { SavedCriteria } from '../domain/saved-filter.entity.js';
import type { SavedFilterView } from '../domain/saved-filter.view.js';
import type { TicketView } from '../domain/ticket.view.js';
import { TicketsException } from '../domain/tickets.exception.js';
import { GetSavedFilterQuery } from '../queries/get-saved-filter/get-saved-filter.query.js';
import { ListSavedFiltersQuery } from '../queries/list-saved-filters/list-saved-filters.query.js';
import { ListTicketsQuery, type TicketFilters } from '../queries/list-tickets/list-tickets.query.js';
import { parseTicketSort } from '../queries/list-tickets/ticket-sort.js';
import { CreateSavedFilterDto, RunSavedFilterDto, UpdateSavedFilterDto } from './saved-filter.dto.js';
import type { TicketCriteriaDto } from './ticket.dto.js';

const filterIdPipe = uuidParam(() => TicketsException.savedFilterNotFound());

/** Keeps the criteria that were set, so the stored JSON contains no undefined members. */
function toCriteria(dto: TicketCriteriaDto): SavedCriteria {
  return Object.fromEntries(Object.entries(dto).filter(([, value]) => value !== undefined)) as SavedCriteria;
}

const withETag = (response: Response, filter: SavedFilterView): SavedFilterView => {
  response.setHeader('ETag', `"${filter.version}"`);
  return filter;
};

/** Named ticket searches of the caller; every route acts on the caller's own filters only. */
@Controller('saved-filters')
export class SavedFiltersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @RequirePermission('tickets.read')
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateSavedFilterDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SavedFilterView> {
    const input = { name: body.name, criteria: toCriteria(body.criteria) };
    const filter = await this.commands.execute(new CreateSavedFilterCommand(principal.tenantId, principal.actor, input));
    response.location(`/api/v1/saved-filters/${filter.id}`);
    return withETag(response, filter);
  }

  @Get()
  @RequirePermission('tickets.read')
  list(@CurrentPrincipal() principal: Principal): Promise<{ data: SavedFilterView[] }> {
    return this.queries.execute(new ListSavedFiltersQuery(principal.tenantId, principal.actor.id));
  }

  @Get(':id')
  @RequirePermission('tickets.read')
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', filterIdPipe) id: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SavedFilterView> {
    return withETag(response, await this.queries.execute(new GetSavedFilterQuery(principal.tenantId, principal.actor.id, id)));
  }

  /** Runs the saved search, with the same visibility rules as GET /tickets. */
  @Get(':id/tickets')
  @RequirePermission('tickets.read')
  async run(
    @CurrentPrincipal() principal: Principal,
    @Param('id', filterIdPipe) id: string,
    @Query() query: RunSavedFilterDto,
  ): Promise<Page<TicketView>> {
    const filter = await this.queries.execute(new GetSavedFilterQuery(principal.tenantId, principal.actor.id, id));
    const { sort, order, ...filters } = filter.criteria as TicketFilters & { sort?: string; order?: 'asc' | 'desc' };
    const ticketSort = parseTicketSort(sort, order);
    return this.queries.execute(new ListTicketsQuery(principal, filters, query.limit, query.cursor, ticketSort));
  }

  @Patch(':id')
  @RequirePermission('tickets.read')
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', filterIdPipe) id: string,
    @Body() body: UpdateSavedFilterDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SavedFilterView> {
    assertSetsAField(body, 'set name, criteria or both');
    const changes = { name: body.name, criteria: body.criteria ? toCriteria(body.criteria) : undefined };
    const command = new UpdateSavedFilterCommand(principal.tenantId, principal.actor, id, changes, parseIfMatch(ifMatch));
    return withETag(response, await this.commands.execute(command));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('tickets.read')
  async remove(@CurrentPrincipal() principal: Principal, @Param('id', filterIdPipe) id: string): Promise<void> {
    await this.commands.execute(new DeleteSavedFilterCommand(principal.tenantId, principal.actor, id));
  }
}
