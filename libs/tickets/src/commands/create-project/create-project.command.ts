import { Command } from '@nestjs/cqrs';
import type { Actor } from '#kernel';
import type { ProjectStatus } from '../../domain/project.entity.js';
import type { ProjectView } from '../../domain/project.view.js';

export interface CreateProjectInput {
  name: string;
  description?: string;
  status?: ProjectStatus;
  managerId?: string;
  customerId?: string;
  /** ISO 8601 date or timestamp. */
  targetDate?: string;
  /** Identifier in a source system; a second project with the same reference is a conflict. */
  externalRef?: string;
}

export class CreateProjectCommand extends Command<ProjectView> {
  constructor(
    readonly tenantId: string,
    readonly actor: Actor,
    readonly input: CreateProjectInput,
  ) {
    super();
  }
}
