import type { DomainEvent } from '#kernel';
import type { Ticket } from '../../domain/ticket.entity.js';
import type { WebhookEventType } from '../../domain/webhook.entity.js';
import { TicketCommentedEvent } from '../../events/comment.events.js';
import { TicketAssignedEvent, TicketCreatedEvent, TicketTransitionedEvent } from '../../events/ticket.events.js';

export interface WebhookPayload {
  /** Event id, the same in every delivery of this event. */
  id: string;
  type: WebhookEventType;
  occurredAt: string;
  tenantId: string;
  data: Record<string, unknown>;
}

/**
 * Summarises a ticket for a payload: ids, codes and dates, never free text such as the title,
 * description or comment bodies, so a webhook does not copy personal data out of the platform.
 * A receiver that needs the text reads it through the API with its own credentials.
 */
function ticketSummary(ticket: Ticket): Record<string, unknown> {
  return {
    id: ticket.id,
    domainId: ticket.domainId,
    typeCode: ticket.typeCode,
    status: ticket.status,
    priority: ticket.priority,
    requesterId: ticket.requesterId,
    assigneeId: ticket.assigneeId,
    projectId: ticket.projectId,
    version: ticket.version,
    dueAt: ticket.dueAt?.toISOString() ?? null,
  };
}

/** Builds the payload of an event that webhooks receive, or undefined for any other event. Internal notes never leave. */
export function webhookPayloadOf(event: DomainEvent, eventId: string): WebhookPayload | undefined {
  const base = { id: eventId, occurredAt: event.occurredAt.toISOString(), tenantId: event.tenantId };
  if (event instanceof TicketCreatedEvent) {
    return { ...base, type: 'ticket.created', data: { ticket: ticketSummary(event.ticket) } };
  }
  if (event instanceof TicketTransitionedEvent) {
    const data = { ticket: ticketSummary(event.ticket), from: event.from, to: event.ticket.status };
    return { ...base, type: 'ticket.transitioned', data };
  }
  if (event instanceof TicketAssignedEvent) {
    const data = {
      ticket: ticketSummary(event.ticket),
      previousAssigneeId: event.previousAssigneeId,
      assigneeId: event.ticket.assigneeId,
    };
    return { ...base, type: 'ticket.assigned', data };
  }
  if (event instanceof TicketCommentedEvent && !event.comment.internal) {
    const data = { ticket: ticketSummary(event.ticket), commentId: event.comment.id, authorId: event.comment.authorId };
    return { ...base, type: 'ticket.commented', data };
  }
  return undefined;
}
