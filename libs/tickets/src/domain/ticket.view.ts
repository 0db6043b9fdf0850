import type { Ticket } from './ticket.entity.js';

const MILLISECONDS_PER_DAY = 24 * 60 * 60 * 1000;

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
  projectId: string | null;
  tags: string[];
  watcherIds: string[];
  /** Comments the caller may read: public ones only for callers without `comments.internal`. */
  commentCount: number;
  configVersion: string;
  version: number;
  dueAt: string | null;
  resolvedAt: string | null;
  /** Whether the due date passed before the ticket was resolved (or, while open, before now). */
  breached: boolean;
  /** Fractional days left until the due date, negative once passed; null when resolved or without SLA. */
  daysUntilBreach: number | null;
  createdAt: string;
  /** Last change that every reader can see, in milliseconds. Internal notes never change it. */
  updatedAt: string;
}

/** What the caller may see beyond the ticket itself. */
export interface TicketViewer {
  seesInternalComments: boolean;
}

export function isBreached(ticket: Pick<Ticket, 'dueAt' | 'resolvedAt'>, now: Date): boolean {
  if (ticket.dueAt === null) return false;
  return (ticket.resolvedAt ?? now).getTime() > ticket.dueAt.getTime();
}

export function daysUntilBreach(ticket: Pick<Ticket, 'dueAt' | 'resolvedAt'>, now: Date): number | null {
  if (ticket.dueAt === null || ticket.resolvedAt !== null) return null;
  const days = (ticket.dueAt.getTime() - now.getTime()) / MILLISECONDS_PER_DAY;
  return Math.round(days * 1000) / 1000;
}

export function toTicketView(ticket: Ticket, viewer: TicketViewer, now = new Date()): TicketView {
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
    projectId: ticket.projectId,
    tags: ticket.tags,
    watcherIds: ticket.watcherIds,
    commentCount: viewer.seesInternalComments ? ticket.commentCount : ticket.publicCommentCount,
    configVersion: ticket.configVersion,
    version: ticket.version,
    dueAt: ticket.dueAt?.toISOString() ?? null,
    resolvedAt: ticket.resolvedAt?.toISOString() ?? null,
    breached: isBreached(ticket, now),
    daysUntilBreach: daysUntilBreach(ticket, now),
    createdAt: ticket.createdAt.toISOString(),
    updatedAt: ticket.updatedAt.toISOString(),
  };
}
