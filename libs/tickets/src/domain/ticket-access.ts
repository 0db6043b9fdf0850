import type { EntityManager } from 'typeorm';
import { findFlatOne, type Principal } from '#kernel';
import { Ticket } from './ticket.entity.js';
import type { TicketViewer } from './ticket.view.js';
import { TicketsException } from './tickets.exception.js';

type Caller = Pick<Principal, 'tenantId' | 'actor' | 'permissions'>;

/** Whether a caller sees every ticket of the tenant, or only the ones they requested. */
export function readsAllTickets(principal: Pick<Principal, 'permissions'>): boolean {
  return principal.permissions.has('tickets.read_all');
}

/** Whether a caller may read and write internal notes; customers never can. */
export function seesInternalComments(principal: Pick<Principal, 'permissions'>): boolean {
  return principal.permissions.has('comments.internal');
}

export function viewerOf(principal: Pick<Principal, 'permissions'>): TicketViewer {
  return { seesInternalComments: seesInternalComments(principal) };
}

/** Whether the caller may read this ticket row, which must belong to the caller's tenant. */
export function canReadTicket(principal: Caller, ticket: Ticket): boolean {
  return (
    ticket.tenantId === principal.tenantId &&
    ticket.deletedAt === null &&
    (readsAllTickets(principal) || ticket.requesterId === principal.actor.id)
  );
}

/**
 * Loads a ticket the caller may see. A ticket of another tenant, a deleted one and one the
 * caller may not read all give the same not-found error, so none can be told apart.
 */
export async function findVisibleTicket(
  manager: EntityManager,
  principal: Caller,
  ticketId: string,
): Promise<Ticket> {
  const ticket = await findFlatOne(manager, Ticket, { tenantId: principal.tenantId, id: ticketId });
  if (ticket === null || !canReadTicket(principal, ticket)) throw TicketsException.ticketNotFound();
  return ticket;
}

/** Rejects with 403 a caller who can read the ticket but lacks the permission for this change. */
export function assertPermission(principal: Pick<Principal, 'permissions'>, permission: string, action: string): void {
  if (!principal.permissions.has(permission)) throw TicketsException.forbidden(action, permission);
}
