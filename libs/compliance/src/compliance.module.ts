import { Module } from '@nestjs/common';
import { TenancyModule } from '#tenancy';
import { ConsentsController } from './api/consents.controller.js';
import { RecordConsentHandler } from './commands/record-consent/record-consent.handler.js';
import { ConsentPolicy } from './infrastructure/consent-policy.js';
import { HasConsentHandler } from './queries/has-consent/has-consent.handler.js';
import { ListConsentsHandler } from './queries/list-consents/list-consents.handler.js';

@Module({
  imports: [TenancyModule],
  controllers: [ConsentsController],
  providers: [ConsentPolicy, RecordConsentHandler, ListConsentsHandler, HasConsentHandler],
})
export class ComplianceModule {}
