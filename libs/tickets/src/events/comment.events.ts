import { DomainEvent, type Actor } from '#kernel';
import type { TicketComment } from '../domain/comment.entity.js';
import type { Ticket } from '../domain/ticket.entity.js';

const subjectsOf = (ticket: Ticket, comment: TicketComment) => [
  ...new Set([ticket.requesterId, comment.authorId, ...(ticket.assigneeId ? [ticket.assigneeId] : [])]),
];

/** A public reply or an internal note was added to a ticket. */
export class TicketCommentedEvent extends DomainEvent {
  readonly action = 'ticket.commented';

  constructor(
    readonly ticket: Ticket,
    readonly comment: TicketComment,
    actor: Actor,
  ) {
    super(
      ticket.tenantId,
      actor,
      'ticket_comment',
      comment.id,
      { new: { ticketId: ticket.id, authorId: comment.authorId, internal: comment.internal, body: comment.body } },
      { subjectIds: subjectsOf(ticket, comment), personalFields: ['body'] },
    );
  }
}

export class CommentEditedEvent extends DomainEvent {
  readonly action = 'comment.edited';

  constructor(
    readonly ticket: Ticket,
    readonly comment: TicketComment,
    actor: Actor,
    previousBody: string,
  ) {
    super(
      ticket.tenantId,
      actor,
      'ticket_comment',
      comment.id,
      { old: { body: previousBody, version: comment.version - 1 }, new: { body: comment.body, version: comment.version } },
      { subjectIds: subjectsOf(ticket, comment), personalFields: ['body'] },
    );
  }
}
