import type { Ticket } from './ticket.entity.js';

/** A ticket as the API returns it. */
export interface TicketView {
  id: string;
  domainId: string;
  typeCode: string;
  status: string;
  title: string;
  description: string;
  priority: string;
  customFields: Record<string, unknown>;
  requesterId: string;
  assigneeId: string | null;
  configVersion: string;
  version: number;
  dueAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export function toTicketView(ticket: Ticket): TicketView {
  return {
    id: ticket.id,
    domainId: ticket.domainId,
    typeCode: ticket.typeCode,
    status: ticket.status,
    title: ticket.title,
    description: ticket.description,
    priority: ticket.priority,
    customFields: ticket.customFields,
    requesterId: ticket.requesterId,
    assigneeId: ticket.assigneeId,
    configVersion: ticket.configVersion,
    version: ticket.version,
    dueAt: ticket.dueAt?.toISOString() ?? null,
    createdAt: ticket.createdAt.toISOString(),
    updatedAt: ticket.updatedAt.toISOString(),
  };
}
