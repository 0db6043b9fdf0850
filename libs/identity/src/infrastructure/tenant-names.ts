import { Injectable } from '@nestjs/common';
import { TenantRegistry } from '#tenancy';

/** Display names of tenants, for e-mail and authenticator labels. */
@Injectable()
export class TenantNames {
  constructor(private readonly tenants: TenantRegistry) {}

  async nameOf(tenantId: string): Promise<string> {
    const tenant = await this.tenants.findById(tenantId);
    return tenant?.name ?? 'your organisation';
  }
}
