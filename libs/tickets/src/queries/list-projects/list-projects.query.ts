import { Query } from '@nestjs/cqrs';
import type { Page } from '#kernel';
import type { ProjectStatus } from '../../domain/project.entity.js';
import type { ProjectView } from '../../domain/project.view.js';

/** Projects of a tenant, newest first, each with its open and done ticket counts. */
export class ListProjectsQuery extends Query<Page<ProjectView>> {
  constructor(
    readonly tenantId: string,
    readonly filters: { status?: ProjectStatus },
    readonly limit: number,
    readonly cursor?: string,
  ) {
    super();
  }
}
