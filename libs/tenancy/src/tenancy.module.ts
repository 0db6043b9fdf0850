import { Module } from '@nestjs/common';
import { ChangeTenantSettingsHandler } from './commands/change-tenant-settings/change-tenant-settings.handler.js';
import { CreateTenantHandler } from './commands/create-tenant/create-tenant.handler.js';
import { ResumeTenantHandler } from './commands/resume-tenant/resume-tenant.handler.js';
import { SuspendTenantHandler } from './commands/suspend-tenant/suspend-tenant.handler.js';
import { TenantRecords } from './infrastructure/tenant-records.js';
import { TenantRegistry } from './infrastructure/tenant-registry.js';
import { TenantResolver } from './infrastructure/tenant-resolver.js';

@Module({
  providers: [
    TenantRegistry,
    TenantResolver,
    TenantRecords,
    CreateTenantHandler,
    SuspendTenantHandler,
    ResumeTenantHandler,
    ChangeTenantSettingsHandler,
  ],
  exports: [TenantRegistry, TenantResolver],
})
export class TenancyModule {}
