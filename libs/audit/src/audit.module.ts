import { Module } from '@nestjs/common';
import { AuditController } from './api/audit.controller.js';
import { AuditRecorder } from './infrastructure/audit-recorder.js';
import { ListAuditEntriesHandler } from './queries/list-audit-entries/list-audit-entries.handler.js';
import { VerifyAuditChainHandler } from './queries/verify-audit-chain/verify-audit-chain.handler.js';

@Module({
  controllers: [AuditController],
  providers: [AuditRecorder, ListAuditEntriesHandler, VerifyAuditChainHandler],
  exports: [AuditRecorder],
})
export class AuditModule {}
