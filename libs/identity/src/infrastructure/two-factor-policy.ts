import { Injectable } from '@nestjs/common';
import { TenantRegistry } from '#tenancy';

/** Roles that must use two-factor sign-in when the tenant's `mandatoryTwoFactor` setting is on. */
export const MANDATORY_TWO_FACTOR_ROLES: readonly string[] = ['Admin', 'ComplianceOfficer'];

export function hasMandatoryTwoFactorRole(roles: readonly string[]): boolean {
  return roles.some((role) => MANDATORY_TWO_FACTOR_ROLES.includes(role));
}

/** Reads the tenant setting `mandatoryTwoFactor` from the tenant registry. */
@Injectable()
export class TwoFactorPolicy {
  constructor(private readonly tenants: TenantRegistry) {}

  async tenantRequiresTwoFactor(tenantId: string): Promise<boolean> {
    const tenant = await this.tenants.findById(tenantId);
    return tenant?.settings?.mandatoryTwoFactor === true;
  }

  async isMandatory(tenantId: string, roles: readonly string[]): Promise<boolean> {
    return hasMandatoryTwoFactorRole(roles) && (await this.tenantRequiresTwoFactor(tenantId));
  }
}
