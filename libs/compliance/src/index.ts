import { UserConsent } from './domain/user-consent.entity.js';
import { SubjectKeySubscriber } from './infrastructure/subject-key.subscriber.js';
import { CreateUserConsents1764806400400 } from './infrastructure/migrations/1764806400400-create-user-consents.js';

export { ComplianceModule } from './compliance.module.js';
export { UserConsent, CONSENT_SOURCES, type ConsentSource } from './domain/user-consent.entity.js';
export {
  DEFAULT_CONSENT_PURPOSES,
  parseConsentPurposes,
  type ConsentPurpose,
} from './domain/consent-purposes.js';
export type { ConsentView } from './domain/consent.view.js';
export { RecordConsentCommand } from './commands/record-consent/record-consent.command.js';
export {
  ExportSubjectCommand,
  type PreparedExport,
} from './commands/export-subject/export-subject.command.js';
export { EraseSubjectCommand } from './commands/erase-subject/erase-subject.command.js';
export type { ErasureReceipt } from './domain/erasure-receipt.js';
export {
  RedactTicketCommand,
  type RedactionReport,
} from './commands/redact-ticket/redact-ticket.command.js';
export { RunRetentionCommand } from './commands/run-retention/run-retention.command.js';
export type { RetentionReport } from './domain/retention-report.js';
export { parseRetentionRules, retentionRulesOf } from './domain/retention-rules.js';
export { FindDataSubjectQuery } from './queries/find-data-subject/find-data-subject.query.js';
export {
  EXPORT_SCHEMA_VERSION,
  type ExportSummary,
} from './infrastructure/export/subject-exporter.js';
export {
  SubjectKeySubscriber,
  SUBJECT_KEYED_TABLES,
} from './infrastructure/subject-key.subscriber.js';
export {
  ListConsentsQuery,
  type ConsentHistory,
} from './queries/list-consents/list-consents.query.js';
export * from './pii/index.js';

export const COMPLIANCE_ENTITIES = [UserConsent];
export const COMPLIANCE_MIGRATIONS = [CreateUserConsents1764806400400];
export const COMPLIANCE_SUBSCRIBERS = [SubjectKeySubscriber];
