import { Module } from '@nestjs/common';
import { CreateTenantHandler } from './commands/create-tenant/create-tenant.handler.js';
import { TenantRegistry } from './infrastructure/tenant-registry.js';
import { TenantResolver } from './infrastructure/tenant-resolver.js';

@Module({
  providers: [TenantRegistry, TenantResolver, CreateTenantHandler],
  exports: [TenantRegistry, TenantResolver],
})
export class TenancyModule {}
