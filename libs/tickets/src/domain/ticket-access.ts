import type { EntityManager } from 'typeorm';
import type { Principal } from '#kernel';
import { Ticket } from './ticket.entity.js';
import { TicketsException } from './tickets.exception.js';

/** Whether a caller sees every ticket of the tenant, or only the ones they requested. */
export function readsAllTickets(principal: Pick<Principal, 'permissions'>): boolean {
  return principal.permissions.has('tickets.read_all');
}

/**
 * Loads a ticket the caller may see. A ticket of another tenant, a deleted one and one the
 * caller may not read all give the same not-found error, so none can be told apart.
 */
export async function findVisibleTicket(
  manager: EntityManager,
  principal: Pick<Principal, 'tenantId' | 'actor' | 'permissions'>,
  ticketId: string,
): Promise<Ticket> {
  const ticket = await manager.findOne(Ticket, { where: { tenantId: principal.tenantId, id: ticketId } });
  const visible =
    ticket !== null &&
    ticket.deletedAt === null &&
    (readsAllTickets(principal) || ticket.requesterId === principal.actor.id);
  if (!visible) throw TicketsException.ticketNotFound();
  return ticket;
}
