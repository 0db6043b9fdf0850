import { Module } from '@nestjs/common';
import { AuditController } from './api/audit.controller.js';
import { TicketHistoryController } from './api/ticket-history.controller.js';
import { ArchiveAuditEntriesHandler } from './commands/archive-audit-entries/archive-audit-entries.handler.js';
import { AccessDenialRecorder } from './infrastructure/access-denial-recorder.js';
import { AuditExports } from './infrastructure/audit-exports.js';
import { AuditRecorder } from './infrastructure/audit-recorder.js';
import { AuditSegmentReader } from './infrastructure/audit-segment-reader.js';
import { AuditSubjectRedactor } from './infrastructure/audit-subject-redactor.js';
import { AuditPersonalDataParticipant } from './infrastructure/personal-data.participant.js';
import { GetTicketHistoryHandler } from './queries/get-ticket-history/get-ticket-history.handler.js';
import { ListAuditEntriesHandler } from './queries/list-audit-entries/list-audit-entries.handler.js';
import { VerifyAuditChainHandler } from './queries/verify-audit-chain/verify-audit-chain.handler.js';

@Module({
  controllers: [AuditController, TicketHistoryController],
  providers: [
    AuditRecorder,
    AccessDenialRecorder,
    AuditSubjectRedactor,
    AuditPersonalDataParticipant,
    AuditSegmentReader,
    AuditExports,
    ArchiveAuditEntriesHandler,
    ListAuditEntriesHandler,
    VerifyAuditChainHandler,
    GetTicketHistoryHandler,
  ],
  exports: [AuditRecorder, AccessDenialRecorder, AuditSubjectRedactor, AuditExports],
})
export class AuditModule {}
