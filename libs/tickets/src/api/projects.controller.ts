import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
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
import { AddTicketToProjectCommand } from '../commands/add-ticket-to-project/add-ticket-to-project.command.js';
import { CreateProjectCommand } from '../commands/create-project/create-project.command.js';
import { UpdateProjectCommand } from '../commands/update-project/update-project.command.js';
import type { ProjectView } from '../domain/project.view.js';
import { TicketsException } from '../domain/tickets.exception.js';
import { GetProjectQuery } from '../queries/get-project/get-project.query.js';
import { ListProjectsQuery } from '../queries/list-projects/list-projects.query.js';
import { AddProjectTicketDto, CreateProjectDto, ListProjectsDto, UpdateProjectDto } from './project.dto.js';

const projectIdPipe = uuidParam(() => TicketsException.projectNotFound());

const withETag = (response: Response, project: ProjectView): ProjectView => {
  response.setHeader('ETag', `"${project.version}"`);
  return project;
};

/** Projects, the domain model's work containers; readable by agents, managed with `projects.manage`. */
@Controller(['projects', 'work-containers'])
export class ProjectsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @RequirePermission('projects.manage')
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateProjectDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ProjectView> {
    const project = await this.commands.execute(new CreateProjectCommand(principal.tenantId, principal.actor, body));
    response.location(`/api/v1/projects/${project.id}`);
    return withETag(response, project);
  }

  @Get()
  @RequirePermission('tickets.read_all')
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListProjectsDto): Promise<Page<ProjectView>> {
    return this.queries.execute(
      new ListProjectsQuery(principal.tenantId, { status: query.status }, query.limit, query.cursor),
    );
  }

  @Get(':id')
  @RequirePermission('tickets.read_all')
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', projectIdPipe) id: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ProjectView> {
    return withETag(response, await this.queries.execute(new GetProjectQuery(principal.tenantId, id)));
  }

  @Patch(':id')
  @RequirePermission('projects.manage')
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', projectIdPipe) id: string,
    @Body() body: UpdateProjectDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ProjectView> {
    assertSetsAField(body);
    const command = new UpdateProjectCommand(principal, id, body, parseIfMatch(ifMatch));
    return withETag(response, await this.commands.execute(command));
  }

  @Post(':id/tickets')
  @HttpCode(200)
  @RequirePermission('projects.manage')
  async addTicket(
    @CurrentPrincipal() principal: Principal,
    @Param('id', projectIdPipe) id: string,
    @Body() body: AddProjectTicketDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ProjectView> {
    return withETag(response, await this.commands.execute(new AddTicketToProjectCommand(principal, id, body.ticketId)));
  }
}
