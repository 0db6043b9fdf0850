import { Command } from '@nestjs/cqrs';
import type { Principal } from '#kernel';
import type { ProjectView } from '../../domain/project.view.js';

/** Puts a ticket into a project, moving it out of any project it was in. */
export class AddTicketToProjectCommand extends Command<ProjectView> {
  constructor(
    readonly principal: Principal,
    readonly projectId: string,
    readonly ticketId: string,
  ) {
    super();
  }
}
