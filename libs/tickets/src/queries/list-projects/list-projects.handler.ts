import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { Brackets } from 'typeorm';
import { TenantDatabase, decodeCursor, encodeCursor, type Page } from '#kernel';
import { Project } from '../../domain/project.entity.js';
import { toProjectView, type ProjectView } from '../../domain/project.view.js';
import { DomainCatalog } from '../../infrastructure/domain-catalog.js';
import { countProjectTickets } from '../../infrastructure/project-counts.js';
import { ListProjectsQuery } from './list-projects.query.js';

@QueryHandler(ListProjectsQuery)
export class ListProjectsHandler implements IQueryHandler<ListProjectsQuery> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly catalog: DomainCatalog,
  ) {}

  async execute({ tenantId, filters, limit, cursor: rawCursor }: ListProjectsQuery): Promise<Page<ProjectView>> {
    const cursor = decodeCursor(rawCursor);
    const domains = this.catalog.configurationFor(tenantId).domains;

    return this.database.read(tenantId, async (manager) => {
      const query = manager
        .getRepository(Project)
        .createQueryBuilder('project')
        .where('project.tenantId = :tenantId', { tenantId });
      if (filters.status) query.andWhere('project.status = :status', { status: filters.status });
      if (cursor) {
        const after = new Date(String(cursor.sort));
        query.andWhere(
          new Brackets((keyset) =>
            keyset
              .where('project.createdAt < :after', { after })
              .orWhere('(project.createdAt = :after AND project.id < :afterId)', { afterId: cursor.id }),
          ),
        );
      }
      const rows = await query
        .orderBy('project.createdAt', 'DESC')
        .addOrderBy('project.id', 'DESC')
        .limit(limit + 1)
        .getMany();

      const page = rows.slice(0, limit);
      const counts = await countProjectTickets(manager, tenantId, page.map((project) => project.id), domains);
      const last = page.at(-1);
      return {
        data: page.map((project) => toProjectView(project, counts.get(project.id)!)),
        nextCursor: rows.length > limit && last ? encodeCursor({ sort: last.createdAt.toISOString(), id: last.id }) : null,
      };
    });
  }
}
