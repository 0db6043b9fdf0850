import { DomainEvent, type Actor, type ChangeSet } from '#kernel';
import type { Ticket } from '../domain/ticket.entity.js';

abstract class TicketEvent extends DomainEvent {
  constructor(ticket: Ticket, actor: Actor, changes: ChangeSet, configVersion: string) {
    const subjects = [ticket.requesterId, ...(ticket.assigneeId ? [ticket.assigneeId] : [])];
    super(ticket.tenantId, actor, 'ticket', ticket.id, changes, {
      configVersion,
      subjectIds: [...new Set(subjects)],
      personalFields: ['title', 'description', 'customFields'],
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
    from: string,
    configVersion: string,
  ) {
    super(ticket, actor, { old: { status: from }, new: { status: ticket.status } }, configVersion);
  }
}
