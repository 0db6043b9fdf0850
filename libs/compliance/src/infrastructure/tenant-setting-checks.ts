import { Injectable, type OnModuleInit } from '@nestjs/common';
import { registerTenantSettingCheck } from '#tenancy';
import { parseConsentPurposes } from '../domain/consent-purposes.js';
import { parseRetentionRules } from '../domain/retention-rules.js';

/**
 * Makes the tenant settings command apply the compliance context's full validation to the
 * settings it reads, so an operator learns of an invalid purpose or rule when setting it.
 */
@Injectable()
export class TenantSettingChecks implements OnModuleInit {
  onModuleInit(): void {
    registerTenantSettingCheck('consentPurposes', (value) =>
      firstProblem(parseConsentPurposes(value).problems),
    );
    registerTenantSettingCheck('retentionRules', (value) =>
      firstProblem(parseRetentionRules(value).problems),
    );
  }
}

function firstProblem(problems: readonly string[]): string | undefined {
  if (problems.length === 0) return undefined;
  return `is invalid: ${problems.join('; ')}`;
}
