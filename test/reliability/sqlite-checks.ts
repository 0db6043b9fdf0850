import Database from 'better-sqlite3';
import { join } from 'node:path';
import { ChainVerifier, type AuditLogEntry, type ChainVerification } from '#audit';
import { FieldEncryption, isEncryptedEnvelope } from '#kernel';

interface RawAuditRow {
  tenant_id: string;
  id: string;
  sequence: number;
  actor_type: string;
  actor_id: string;
  action: string;
  entity_type: string;
  entity_id: string;
  old_values: string | null;
  new_values: string | null;
  subject_ids: string;
  ip: string | null;
  user_agent: string | null;
  correlation_id: string;
  config_version: string | null;
  created_at: string;
  previous_hash: string;
  hash: string;
  [column: string]: unknown;
}

/** Opens a database file read-only, outside the application, as an operator would after a crash. */
export function openRaw(file: string): Database.Database {
  return new Database(file, { readonly: true, fileMustExist: true });
}

export function integrityCheck(database: Database.Database): string {
  return (database.pragma('integrity_check', { simple: true }) as string) ?? 'no result';
}

/**
 * Recomputes each tenant's audit hash chain straight from the rows on disk. The encrypted change
 * values are decrypted with the key store and generated master key of `dataDir`.
 */
export function verifyAuditChains(database: Database.Database, dataDir: string): Map<string, ChainVerification> {
  const encryption = FieldEncryption.open({ keyStoreDir: join(dataDir, 'keys'), dataDir });
  const tenants = database.prepare('SELECT DISTINCT tenant_id FROM audit_log_entries').pluck().all() as string[];
  const results = new Map<string, ChainVerification>();
  try {
    for (const tenantId of tenants) {
      const verifier = new ChainVerifier();
      const rows = database
        .prepare('SELECT * FROM audit_log_entries WHERE tenant_id = ? ORDER BY sequence')
        .iterate(tenantId) as IterableIterator<RawAuditRow>;
      for (const row of rows) verifier.add(toEntry(row, encryption));
      results.set(tenantId, verifier.result());
    }
  } finally {
    encryption.close();
  }
  return results;
}

/** Parses a stored JSON column, decrypting it first when it holds an envelope. */
function readJsonColumn(text: string | null, context: string, encryption: FieldEncryption): unknown {
  if (text === null) return null;
  const stored = JSON.parse(text) as unknown;
  return isEncryptedEnvelope(stored) ? JSON.parse(encryption.decrypt(stored, context)) : stored;
}

function toEntry(row: RawAuditRow, encryption: FieldEncryption): AuditLogEntry {
  return {
    tenantId: row.tenant_id,
    id: row.id,
    sequence: row.sequence,
    actorType: row.actor_type,
    actorId: row.actor_id,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    oldValues: readJsonColumn(row.old_values, 'audit_log_entries.old_values', encryption),
    newValues: readJsonColumn(row.new_values, 'audit_log_entries.new_values', encryption),
    subjectIds: JSON.parse(row.subject_ids),
    personalFields: typeof row['personal_fields'] === 'string' ? JSON.parse(row['personal_fields']) : [],
    parentEntityType: row['parent_entity_type'] ?? null,
    parentEntityId: row['parent_entity_id'] ?? null,
    ip: row.ip,
    userAgent: row.user_agent,
    correlationId: row.correlation_id,
    configVersion: row.config_version,
    createdAt: row.created_at,
    previousHash: row.previous_hash,
    hash: row.hash,
  } as AuditLogEntry;
}
