import type { EntityManager } from 'typeorm';
import { insertRows } from '#kernel';
import type { Ticket } from '../domain/ticket.entity.js';
import { TicketTag } from '../domain/ticket-tag.entity.js';

/** Rewrites the tag rows of a ticket to match `ticket.tags`, inside the caller's transaction. */
export async function replaceTicketTags(manager: EntityManager, ticket: Pick<Ticket, 'tenantId' | 'id' | 'tags'>): Promise<void> {
  await manager.delete(TicketTag, { tenantId: ticket.tenantId, ticketId: ticket.id });
  await addTicketTags(manager, ticket);
}

/** Writes the tag rows of a ticket that has none yet, such as one being created. */
export async function addTicketTags(manager: EntityManager, ticket: Pick<Ticket, 'tenantId' | 'id' | 'tags'>): Promise<void> {
  if (ticket.tags.length === 0) return;
  await insertRows(
    manager,
    TicketTag,
    ticket.tags.map((tag) => ({ tenantId: ticket.tenantId, ticketId: ticket.id, tag })),
  );
}
