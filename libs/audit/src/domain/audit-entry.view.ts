import type { AuditLogEntry } from './audit-log-entry.entity.js';

/** An audit entry as the API returns it. */
export interface AuditEntryView {
  id: string;
  sequence: number;
  actor: { type: string; id: string };
  action: string;
  entityType: string;
  entityId: string;
  oldValues: Record<string, unknown> | null;
  newValues: Record<string, unknown> | null;
  subjectIds: string[];
  ip: string | null;
  userAgent: string | null;
  correlationId: string;
  configVersion: string | null;
  createdAt: string;
  hash: string;
}

export function toAuditEntryView(entry: AuditLogEntry): AuditEntryView {
  return {
    id: entry.id,
    sequence: entry.sequence,
    actor: { type: entry.actorType, id: entry.actorId },
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    oldValues: entry.oldValues,
    newValues: entry.newValues,
    subjectIds: entry.subjectIds,
    ip: entry.ip,
    userAgent: entry.userAgent,
    correlationId: entry.correlationId,
    configVersion: entry.configVersion,
    createdAt: entry.createdAt,
    hash: entry.hash,
  };
}
