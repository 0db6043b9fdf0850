import { CommandHandler, QueryBus, type ICommandHandler } from '@nestjs/cqrs';
import type { QueryDeepPartialEntity } from 'typeorm';
import { TenantDatabase } from '#kernel';
import { checkProjectPeople } from '../../domain/project-people.js';
import { Project } from '../../domain/project.entity.js';
import { toProjectView, type ProjectView } from '../../domain/project.view.js';
import { TicketsException } from '../../domain/tickets.exception.js';
import { assertVersion } from '../../domain/version-check.js';
import { ProjectUpdatedEvent } from '../../events/project.events.js';
import { DomainCatalog } from '../../infrastructure/domain-catalog.js';
import { countProjectTickets } from '../../infrastructure/project-counts.js';
import { UpdateProjectCommand, type ProjectChanges } from './update-project.command.js';

type ChangedFields = Partial<Pick<Project, 'name' | 'description' | 'status' | 'managerId' | 'customerId' | 'targetDate'>>;

/** Updates a project's fields or status; the audit event lists the changed fields only. */
@CommandHandler(UpdateProjectCommand)
export class UpdateProjectHandler implements ICommandHandler<UpdateProjectCommand> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly catalog: DomainCatalog,
    private readonly queries: QueryBus,
  ) {}

  async execute({ principal, projectId, changes, expectedVersion }: UpdateProjectCommand): Promise<ProjectView> {
    const { tenantId, actor } = principal;
    const configuration = this.catalog.configurationFor(tenantId);
    await checkProjectPeople(this.queries, tenantId, changes);

    return this.database.write(tenantId, async (unitOfWork) => {
      const manager = unitOfWork.manager;
      const project = await manager.findOne(Project, { where: { tenantId, id: projectId } });
      if (!project) throw TicketsException.projectNotFound();
      assertVersion(project, expectedVersion);

      const { next, previous } = diffProject(project, changes);
      if (Object.keys(next).length > 0) {
        const now = new Date();
        Object.assign(project, next, { version: project.version + 1, updatedAt: now });
        await manager.update(Project, { tenantId, id: project.id }, {
          ...next,
          version: project.version,
          updatedAt: now,
        } as QueryDeepPartialEntity<Project>);
        await unitOfWork.emit(new ProjectUpdatedEvent(project, actor, { old: previous, new: next }));
      }
      const counts = await countProjectTickets(manager, tenantId, [project.id], configuration.domains);
      return toProjectView(project, counts.get(project.id)!);
    });
  }
}

function diffProject(project: Project, changes: ProjectChanges): { next: ChangedFields; previous: ChangedFields } {
  const candidate: ChangedFields = {};
  if (changes.name !== undefined) candidate.name = changes.name.trim();
  if (changes.description !== undefined) candidate.description = changes.description;
  if (changes.status !== undefined) candidate.status = changes.status;
  if (changes.managerId !== undefined) candidate.managerId = changes.managerId;
  if (changes.customerId !== undefined) candidate.customerId = changes.customerId;
  if (changes.targetDate !== undefined) candidate.targetDate = changes.targetDate === null ? null : new Date(changes.targetDate);

  const next: ChangedFields = {};
  const previous: ChangedFields = {};
  for (const [field, value] of Object.entries(candidate) as Array<[keyof ChangedFields, unknown]>) {
    const stored = project[field];
    const same =
      stored instanceof Date || value instanceof Date
        ? stored instanceof Date && value instanceof Date && stored.getTime() === value.getTime()
        : stored === value;
    if (same) continue;
    Object.assign(next, { [field]: value });
    Object.assign(previous, { [field]: stored });
  }
  return { next, previous };
}
