import { Query } from '@nestjs/cqrs';
import type { ProjectView } from '../../domain/project.view.js';

export class GetProjectQuery extends Query<ProjectView> {
  constructor(
    readonly tenantId: string,
    readonly projectId: string,
  ) {
    super();
  }
}
