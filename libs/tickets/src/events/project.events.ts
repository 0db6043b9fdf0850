import { DomainEvent, type Actor, type ChangeSet } from '#kernel';
import type { Project } from '../domain/project.entity.js';

const subjectsOf = (project: Project) =>
  [project.managerId, project.customerId].filter((id): id is string => id !== null);

export class ProjectCreatedEvent extends DomainEvent {
  readonly action = 'project.created';

  constructor(readonly project: Project, actor: Actor) {
    super(
      project.tenantId,
      actor,
      'project',
      project.id,
      {
        new: {
          name: project.name,
          description: project.description,
          status: project.status,
          managerId: project.managerId,
          customerId: project.customerId,
          targetDate: project.targetDate,
        },
      },
      { subjectIds: subjectsOf(project), personalFields: ['name', 'description'] },
    );
  }
}

/** A change of a project's fields or status; `changes` lists the changed fields only. */
export class ProjectUpdatedEvent extends DomainEvent {
  readonly action = 'project.updated';

  constructor(readonly project: Project, actor: Actor, changes: ChangeSet) {
    super(project.tenantId, actor, 'project', project.id, changes, {
      subjectIds: subjectsOf(project),
      personalFields: ['name', 'description'],
    });
  }
}

export class ProjectTicketAddedEvent extends DomainEvent {
  readonly action = 'project.ticket_added';

  constructor(
    readonly project: Project,
    readonly ticketId: string,
    previousProjectId: string | null,
    actor: Actor,
  ) {
    super(project.tenantId, actor, 'project', project.id, {
      old: { ticketId, projectId: previousProjectId },
      new: { ticketId, projectId: project.id },
    });
  }
}
