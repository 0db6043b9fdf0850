import { Module } from '@nestjs/common';
import { TenancyModule } from '#tenancy';
import { ConsentsController } from './api/consents.controller.js';
import { RetentionController } from './api/retention.controller.js';
import { SubjectsController } from './api/subjects.controller.js';
import { TicketRedactionsController } from './api/ticket-redactions.controller.js';
import { EraseSubjectHandler } from './commands/erase-subject/erase-subject.handler.js';
import { ExportSubjectHandler } from './commands/export-subject/export-subject.handler.js';
import { RecordConsentHandler } from './commands/record-consent/record-consent.handler.js';
import { RedactTicketHandler } from './commands/redact-ticket/redact-ticket.handler.js';
import { RunRetentionHandler } from './commands/run-retention/run-retention.handler.js';
import { ConsentPolicy } from './infrastructure/consent-policy.js';
import { SubjectEraser } from './infrastructure/erasure/subject-eraser.js';
import { SubjectExporter } from './infrastructure/export/subject-exporter.js';
import { CompliancePersonalDataParticipant } from './infrastructure/personal-data.participant.js';
import { RetentionRunner } from './infrastructure/retention/retention-runner.js';
import { TenantSettingChecks } from './infrastructure/tenant-setting-checks.js';
import { FindDataSubjectHandler } from './queries/find-data-subject/find-data-subject.handler.js';
import { HasConsentHandler } from './queries/has-consent/has-consent.handler.js';
import { ListConsentsHandler } from './queries/list-consents/list-consents.handler.js';

@Module({
  imports: [TenancyModule],
  controllers: [
    ConsentsController,
    SubjectsController,
    TicketRedactionsController,
    RetentionController,
  ],
  providers: [
    ConsentPolicy,
    SubjectExporter,
    SubjectEraser,
    CompliancePersonalDataParticipant,
    RetentionRunner,
    TenantSettingChecks,
    RedactTicketHandler,
    RunRetentionHandler,
    RecordConsentHandler,
    ExportSubjectHandler,
    EraseSubjectHandler,
    ListConsentsHandler,
    HasConsentHandler,
    FindDataSubjectHandler,
  ],
})
export class ComplianceModule {}
