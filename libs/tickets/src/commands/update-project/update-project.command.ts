import { Command } from '@nestjs/cqrs';
import type { Principal, ExpectedVersion } from '#kernel';
import type { ProjectStatus } from '../../domain/project.entity.js';
import type { ProjectView } from '../../domain/project.view.js';

/** Fields a project update may change; null clears the manager, the customer or the target date. */
export interface ProjectChanges {
  name?: string;
  description?: string;
  status?: ProjectStatus;
  managerId?: string | null;
  customerId?: string | null;
  targetDate?: string | null;
}

export class UpdateProjectCommand extends Command<ProjectView> {
  constructor(
    readonly principal: Principal,
    readonly projectId: string,
    readonly changes: ProjectChanges,
    readonly expectedVersion?: ExpectedVersion,
  ) {
    super();
  }
}
