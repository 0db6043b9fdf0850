import { Tenant } from './domain/tenant.entity.js';
import { CreateTenants1764806400000 } from './infrastructure/migrations/1764806400000-create-tenants.js';

export { TenancyModule } from './tenancy.module.js';
export { Tenant } from './domain/tenant.entity.js';
export type { TenantSettings, TenantStatus, TenantStorage } from './domain/tenant.entity.js';
export { TenancyException } from './domain/tenancy.exception.js';
export { TenantRegistry } from './infrastructure/tenant-registry.js';
export { TenantResolver } from './infrastructure/tenant-resolver.js';
export { CreateTenantCommand } from './commands/create-tenant/create-tenant.command.js';
export { TenantCreatedEvent } from './events/tenant-created.event.js';

export const TENANCY_ENTITIES = [Tenant];
export const TENANCY_MIGRATIONS = [CreateTenants1764806400000];
