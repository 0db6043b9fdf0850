import { Tenant } from './domain/tenant.entity.js';
import { CreateTenants1764806400000 } from './infrastructure/migrations/1764806400000-create-tenants.js';

export { TenancyModule } from './tenancy.module.js';
export { Tenant } from './domain/tenant.entity.js';
export type { TenantSettings, TenantStatus, TenantStorage } from './domain/tenant.entity.js';
export { TenancyException } from './domain/tenancy.exception.js';
export { TenantRegistry } from './infrastructure/tenant-registry.js';
export { TenantResolver } from './infrastructure/tenant-resolver.js';
export {
  TENANT_SETTING_DEFINITIONS,
  parseTenantSettingAssignments,
  registerTenantSettingCheck,
  validateTenantSettings,
  type TenantSettingKey,
  type TenantSettingValues,
} from './domain/tenant-settings.js';
export type { TenantChangeResult } from './infrastructure/tenant-records.js';
export { CreateTenantCommand } from './commands/create-tenant/create-tenant.command.js';
export { SuspendTenantCommand } from './commands/suspend-tenant/suspend-tenant.command.js';
export { ResumeTenantCommand } from './commands/resume-tenant/resume-tenant.command.js';
export { ChangeTenantSettingsCommand } from './commands/change-tenant-settings/change-tenant-settings.command.js';
export { TenantCreatedEvent } from './events/tenant-created.event.js';
export { TenantSuspendedEvent } from './events/tenant-suspended.event.js';
export { TenantResumedEvent } from './events/tenant-resumed.event.js';
export { TenantSettingsChangedEvent } from './events/tenant-settings-changed.event.js';

export const TENANCY_ENTITIES = [Tenant];
export const TENANCY_MIGRATIONS = [CreateTenants1764806400000];
