import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TenantDatabase } from '#kernel';
import { Project } from '../../domain/project.entity.js';
import { toProjectView, type ProjectView } from '../../domain/project.view.js';
import { TicketsException } from '../../domain/tickets.exception.js';
import { DomainCatalog } from '../../infrastructure/domain-catalog.js';
import { countProjectTickets } from '../../infrastructure/project-counts.js';
import { GetProjectQuery } from './get-project.query.js';

@QueryHandler(GetProjectQuery)
export class GetProjectHandler implements IQueryHandler<GetProjectQuery> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly catalog: DomainCatalog,
  ) {}

  async execute({ tenantId, projectId }: GetProjectQuery): Promise<ProjectView> {
    const domains = this.catalog.configurationFor(tenantId).domains;
    return this.database.read(tenantId, async (manager) => {
      const project = await manager.findOne(Project, { where: { tenantId, id: projectId } });
      if (!project) throw TicketsException.projectNotFound();
      const counts = await countProjectTickets(manager, tenantId, [project.id], domains);
      return toProjectView(project, counts.get(project.id)!);
    });
  }
}
