import { Module } from '@nestjs/common';
import { TenancyModule } from '#tenancy';
import { ConsentsController } from './api/consents.controller.js';
import { SubjectsController } from './api/subjects.controller.js';
import { ExportSubjectHandler } from './commands/export-subject/export-subject.handler.js';
import { RecordConsentHandler } from './commands/record-consent/record-consent.handler.js';
import { ConsentPolicy } from './infrastructure/consent-policy.js';
import { SubjectExporter } from './infrastructure/export/subject-exporter.js';
import { CompliancePersonalDataParticipant } from './infrastructure/personal-data.participant.js';
import { FindDataSubjectHandler } from './queries/find-data-subject/find-data-subject.handler.js';
import { HasConsentHandler } from './queries/has-consent/has-consent.handler.js';
import { ListConsentsHandler } from './queries/list-consents/list-consents.handler.js';

@Module({
  imports: [TenancyModule],
  controllers: [ConsentsController, SubjectsController],
  providers: [
    ConsentPolicy,
    SubjectExporter,
    CompliancePersonalDataParticipant,
    RecordConsentHandler,
    ExportSubjectHandler,
    ListConsentsHandler,
    HasConsentHandler,
    FindDataSubjectHandler,
  ],
})
export class ComplianceModule {}
