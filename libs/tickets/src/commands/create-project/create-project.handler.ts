import { CommandHandler, QueryBus, type ICommandHandler } from '@nestjs/cqrs';
import type { QueryDeepPartialEntity } from 'typeorm';
import { ErrorCode, MasalaException, TenantDatabase } from '#kernel';
import { checkProjectPeople } from '../../domain/project-people.js';
import { Project } from '../../domain/project.entity.js';
import { NO_TICKETS, toProjectView, type ProjectView } from '../../domain/project.view.js';
import { ProjectCreatedEvent } from '../../events/project.events.js';
import { CreateProjectCommand } from './create-project.command.js';

@CommandHandler(CreateProjectCommand)
export class CreateProjectHandler implements ICommandHandler<CreateProjectCommand> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly queries: QueryBus,
  ) {}

  async execute({ tenantId, actor, input }: CreateProjectCommand): Promise<ProjectView> {
    await checkProjectPeople(this.queries, tenantId, input);
    const now = new Date();
    const project = Object.assign(new Project(), {
      tenantId,
      id: crypto.randomUUID(),
      name: input.name.trim(),
      description: input.description ?? '',
      status: input.status ?? 'ACTIVE',
      managerId: input.managerId ?? null,
      customerId: input.customerId ?? null,
      targetDate: input.targetDate ? new Date(input.targetDate) : null,
      externalRef: input.externalRef ?? null,
      version: 1,
      createdAt: now,
      updatedAt: now,
    });

    await this.database.write(tenantId, async (unitOfWork) => {
      const manager = unitOfWork.manager;
      if (project.externalRef && (await manager.exists(Project, { where: { tenantId, externalRef: project.externalRef } }))) {
        throw new MasalaException(ErrorCode.Conflict, 'A project with this external reference exists already');
      }
      await manager.insert(Project, project as QueryDeepPartialEntity<Project>);
      await unitOfWork.emit(new ProjectCreatedEvent(project, actor));
    });
    return toProjectView(project, { ...NO_TICKETS });
  }
}
