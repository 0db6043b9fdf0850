import { DomainEvent, type Actor } from '#kernel';
import type { Tenant } from '../domain/tenant.entity.js';

/** Records the changed settings only; `null` in `new` means the key was removed. */
export class TenantSettingsChangedEvent extends DomainEvent {
  readonly action = 'tenant.settings_changed';

  constructor(tenant: Tenant, actor: Actor, old: Record<string, unknown>, changed: Record<string, unknown>) {
    super(tenant.id, actor, 'tenant', tenant.id, { old, new: changed });
  }
}
