import { AuditLogEntry } from './domain/audit-log-entry.entity.js';
import { CreateAuditLog1764806400300 } from './infrastructure/migrations/1764806400300-create-audit-log.js';

export { AuditModule } from './audit.module.js';
export { AuditRecorder } from './infrastructure/audit-recorder.js';
export { AuditLogEntry } from './domain/audit-log-entry.entity.js';
export { GENESIS_HASH, hashEntry, canonicalJson, ChainVerifier } from './domain/audit-chain.js';
export type { ChainVerification } from './domain/audit-chain.js';
export type { AuditEntryView } from './domain/audit-entry.view.js';
export { ListAuditEntriesQuery } from './queries/list-audit-entries/list-audit-entries.query.js';
export { VerifyAuditChainQuery } from './queries/verify-audit-chain/verify-audit-chain.query.js';

export const AUDIT_ENTITIES = [AuditLogEntry];
export const AUDIT_MIGRATIONS = [CreateAuditLog1764806400300];
