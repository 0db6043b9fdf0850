import { AuditCheckpoint } from './domain/audit-checkpoint.entity.js';
import { AuditLogEntry } from './domain/audit-log-entry.entity.js';
import { AuditRewritePermit } from './domain/audit-rewrite-permit.entity.js';
import { CreateAuditLog1764806400300 } from './infrastructure/migrations/1764806400300-create-audit-log.js';
import { AddAuditCheckpoints1764806400310 } from './infrastructure/migrations/1764806400310-add-audit-checkpoints.js';

export { AuditModule } from './audit.module.js';
export { AuditRecorder } from './infrastructure/audit-recorder.js';
export {
  AccessDenialRecorder,
  type RefusedRequest,
} from './infrastructure/access-denial-recorder.js';
export {
  AuditSubjectRedactor,
  type AuditRedactionOptions,
  type AuditRedactionResult,
} from './infrastructure/audit-subject-redactor.js';
export { AuditExports, type AuditExport } from './infrastructure/audit-exports.js';
export {
  verifySegmentFile,
  SegmentFileExistsError,
  writeSegmentFile,
} from './infrastructure/segment-file.js';
export { AuditLogEntry } from './domain/audit-log-entry.entity.js';
export { AuditCheckpoint, type AuditCheckpointKind } from './domain/audit-checkpoint.entity.js';
export { AuditException } from './domain/audit.exception.js';
export { ERASED, eraseSubject, type SubjectErasure } from './domain/erase-subject.js';
export { REDACTED, toAuditValues } from './domain/redact-secrets.js';
export {
  GENESIS_HASH,
  hashEntry,
  canonicalJson,
  checkpointDigest,
  ChainVerifier,
  type ChainVerification,
  type SealedEntry,
} from './domain/audit-chain.js';
export {
  SEGMENT_FORMAT,
  SegmentFormatError,
  toSegmentLine,
  verifySegment,
  type SegmentHeader,
  type SegmentVerification,
} from './domain/audit-segment.js';
export type { AuditEntryView } from './domain/audit-entry.view.js';
export type { TicketHistoryEntry } from './domain/ticket-history-entry.view.js';
export {
  AccessDeniedEvent,
  AuditEntriesArchivedEvent,
  AuditEntriesExportedEvent,
  AuditSubjectRedactedEvent,
} from './events/audit.events.js';
export { ListAuditEntriesQuery } from './queries/list-audit-entries/list-audit-entries.query.js';
export { VerifyAuditChainQuery } from './queries/verify-audit-chain/verify-audit-chain.query.js';
export { VerifyAuditChainHandler } from './queries/verify-audit-chain/verify-audit-chain.handler.js';
export { GetTicketHistoryQuery } from './queries/get-ticket-history/get-ticket-history.query.js';
export {
  ArchiveAuditEntriesCommand,
  type AuditArchiveResult,
} from './commands/archive-audit-entries/archive-audit-entries.command.js';

export const AUDIT_ENTITIES = [AuditLogEntry, AuditCheckpoint, AuditRewritePermit];
export const AUDIT_MIGRATIONS = [CreateAuditLog1764806400300, AddAuditCheckpoints1764806400310];
