import { Injectable, Logger } from '@nestjs/common';
import { TenantRegistry } from '#tenancy';
import { parseConsentPurposes, type ParsedPurposes } from '../domain/consent-purposes.js';

/** Reads a tenant's consent purposes from its `consentPurposes` setting, or the defaults. */
@Injectable()
export class ConsentPolicy {
  private readonly logger = new Logger(ConsentPolicy.name);
  /** Last problems logged per tenant, so an invalid setting is logged once, not on every check. */
  private readonly reported = new Map<string, string>();

  constructor(private readonly tenants: TenantRegistry) {}

  async purposes(tenantId: string): Promise<ParsedPurposes> {
    const tenant = await this.tenants.findById(tenantId);
    const settings = (tenant?.settings ?? {}) as Record<string, unknown>;
    const parsed = parseConsentPurposes(settings['consentPurposes']);
    const summary = parsed.problems.join('; ');
    if (summary !== (this.reported.get(tenantId) ?? '')) {
      if (summary)
        this.logger.error({
          message: 'Invalid consentPurposes setting',
          tenantId,
          problems: parsed.problems,
        });
      this.reported.set(tenantId, summary);
    }
    return parsed;
  }
}
