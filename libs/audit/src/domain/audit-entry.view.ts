import type { AuditLogEntry } from './audit-log-entry.entity.js';

/** An audit entry as the API returns it. */
export interface AuditEntryView {
  id: string;
  sequence: number;
  actor: { type: string; id: string };
  action: string;
  entityType: string;
  entityId: string;
  parent: { entityType: string; entityId: string } | null;
  oldValues: Record<string, unknown> | null;
  newValues: Record<string, unknown> | null;
  subjectIds: string[];
  personalFields: string[];
  ip: string | null;
  userAgent: string | null;
  correlationId: string;
  configVersion: string | null;
  createdAt: string;
  previousHash: string;
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
    parent:
      entry.parentEntityType && entry.parentEntityId
        ? { entityType: entry.parentEntityType, entityId: entry.parentEntityId }
        : null,
    oldValues: entry.oldValues,
    newValues: entry.newValues,
    subjectIds: entry.subjectIds,
    personalFields: entry.personalFields,
    ip: entry.ip,
    userAgent: entry.userAgent,
    correlationId: entry.correlationId,
    configVersion: entry.configVersion,
    createdAt: entry.createdAt,
    previousHash: entry.previousHash,
    hash: entry.hash,
  };
}
