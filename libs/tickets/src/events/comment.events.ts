import { DomainEvent, type Actor } from '#kernel';
import type { TicketComment } from '../domain/comment.entity.js';
import type { Ticket } from '../domain/ticket.entity.js';

/**
 * The people a comment's audit entry is about. An internal note is staff data: it names only its
 * author, so a requester's export never contains it. Erasure still finds the requester's name
 * inside such a note, because it also rewrites mentions in entries about other people.
 */
const subjectsOf = (ticket: Ticket, comment: TicketComment) =>
  comment.internal
    ? [comment.authorId]
    : [...new Set([ticket.requesterId, comment.authorId, ...(ticket.assigneeId ? [ticket.assigneeId] : [])])];

const parentOf = (ticket: Ticket) => ({ entityType: 'ticket', entityId: ticket.id });

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
      { subjectIds: subjectsOf(ticket, comment), personalFields: ['body'], parent: parentOf(ticket) },
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
      {
        old: { ticketId: ticket.id, internal: comment.internal, body: previousBody, version: comment.version - 1 },
        new: { ticketId: ticket.id, internal: comment.internal, body: comment.body, version: comment.version },
      },
      { subjectIds: subjectsOf(ticket, comment), personalFields: ['body'], parent: parentOf(ticket) },
    );
  }
}
