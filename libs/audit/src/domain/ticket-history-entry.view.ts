import type { AuditLogEntry } from './audit-log-entry.entity.js';

/**
 * One change of a ticket as its readers see it. The client address, user agent and hashes are
 * left out unless the reader may read the audit trail itself.
 */
export interface TicketHistoryEntry {
  id: string;
  sequence: number;
  actor: { type: string; id: string };
  action: string;
  entityType: string;
  entityId: string;
  oldValues: Record<string, unknown> | null;
  newValues: Record<string, unknown> | null;
  configVersion: string | null;
  createdAt: string;
  ip?: string | null;
  userAgent?: string | null;
  correlationId?: string;
}

export function toTicketHistoryEntry(
  entry: AuditLogEntry,
  withClientDetails: boolean,
): TicketHistoryEntry {
  const view: TicketHistoryEntry = {
    id: entry.id,
    sequence: entry.sequence,
    actor: { type: entry.actorType, id: entry.actorId },
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    oldValues: entry.oldValues,
    newValues: entry.newValues,
    configVersion: entry.configVersion,
    createdAt: entry.createdAt,
  };
  if (withClientDetails) {
    view.ip = entry.ip;
    view.userAgent = entry.userAgent;
    view.correlationId = entry.correlationId;
  }
  return view;
}

/**
 * Whether an entry must be hidden from readers without `comments.internal`. Events mark internal
 * changes with `internal: true` (or `visibility: "internal"`) in their values. Entries about a
 * ticket's parts (comments, attachments) are shown to those readers only when they state
 * `internal: false`, so an event that omits the flag hides its entry instead of leaking it.
 */
export function isStaffOnlyEntry(
  entry: Pick<AuditLogEntry, 'oldValues' | 'newValues' | 'action' | 'parentEntityId'>,
): boolean {
  const flag = (values: Record<string, unknown> | null, value: unknown) =>
    values !== null &&
    (values.internal === value || (value === true && values.visibility === 'internal'));
  if (flag(entry.oldValues, true) || flag(entry.newValues, true)) return true;
  if (/(^|[._])internal([._]|$)/.test(entry.action)) return true;
  const isPart = entry.parentEntityId !== null;
  return isPart && !flag(entry.newValues, false) && !flag(entry.oldValues, false);
}
