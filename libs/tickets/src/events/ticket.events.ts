import { DomainEvent, type Actor, type ChangeSet } from '#kernel';
import type { Ticket } from '../domain/ticket.entity.js';

const PERSONAL_FIELDS = ['title', 'description', 'customFields'];

abstract class TicketEvent extends DomainEvent {
  constructor(ticket: Ticket, actor: Actor, changes: ChangeSet, configVersion: string, extraSubjects: string[] = []) {
    const subjects = [ticket.requesterId, ...(ticket.assigneeId ? [ticket.assigneeId] : []), ...extraSubjects];
    super(ticket.tenantId, actor, 'ticket', ticket.id, changes, {
      configVersion,
      subjectIds: [...new Set(subjects)],
      personalFields: PERSONAL_FIELDS,
    });
  }
}

export class TicketCreatedEvent extends TicketEvent {
  readonly action = 'ticket.created';

  constructor(readonly ticket: Ticket, actor: Actor) {
    super(
      ticket,
      actor,
      {
        new: {
          domainId: ticket.domainId,
          typeCode: ticket.typeCode,
          status: ticket.status,
          title: ticket.title,
          description: ticket.description,
          priority: ticket.priority,
          customFields: ticket.customFields,
          requesterId: ticket.requesterId,
          assigneeId: ticket.assigneeId,
          projectId: ticket.projectId,
          tags: ticket.tags,
          watcherIds: ticket.watcherIds,
          dueAt: ticket.dueAt,
        },
      },
      ticket.configVersion,
    );
  }
}

export class TicketTransitionedEvent extends TicketEvent {
  readonly action = 'ticket.transitioned';

  constructor(
    readonly ticket: Ticket,
    actor: Actor,
    readonly from: string,
    configVersion: string,
  ) {
    super(ticket, actor, { old: { status: from }, new: { status: ticket.status } }, configVersion);
  }
}

/** A partial update; `changes` holds the old and new values of the changed fields only. */
export class TicketUpdatedEvent extends TicketEvent {
  readonly action = 'ticket.updated';

  constructor(
    readonly ticket: Ticket,
    actor: Actor,
    changes: ChangeSet,
    configVersion: string,
  ) {
    super(ticket, actor, changes, configVersion);
  }
}

export class TicketAssignedEvent extends TicketEvent {
  readonly action = 'ticket.assigned';

  constructor(
    readonly ticket: Ticket,
    actor: Actor,
    readonly previousAssigneeId: string | null,
    configVersion: string,
  ) {
    const previous = previousAssigneeId ? [previousAssigneeId] : [];
    super(
      ticket,
      actor,
      { old: { assigneeId: previousAssigneeId }, new: { assigneeId: ticket.assigneeId } },
      configVersion,
      previous,
    );
  }
}

export class TicketDeletedEvent extends TicketEvent {
  readonly action = 'ticket.deleted';

  constructor(readonly ticket: Ticket, actor: Actor, configVersion: string) {
    super(ticket, actor, { old: { deletedAt: null }, new: { deletedAt: ticket.deletedAt } }, configVersion);
  }
}
