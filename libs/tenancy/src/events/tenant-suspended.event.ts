import { DomainEvent, type Actor } from '#kernel';
import type { Tenant } from '../domain/tenant.entity.js';

export class TenantSuspendedEvent extends DomainEvent {
  readonly action = 'tenant.suspended';

  constructor(tenant: Tenant, actor: Actor, reason: string | undefined) {
    super(tenant.id, actor, 'tenant', tenant.id, {
      old: { status: 'active' },
      new: { status: 'suspended', ...(reason ? { reason } : {}) },
    });
  }
}
