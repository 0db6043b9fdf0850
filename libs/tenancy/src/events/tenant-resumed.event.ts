import { DomainEvent, type Actor } from '#kernel';
import type { Tenant } from '../domain/tenant.entity.js';

export class TenantResumedEvent extends DomainEvent {
  readonly action = 'tenant.resumed';

  constructor(tenant: Tenant, actor: Actor) {
    super(tenant.id, actor, 'tenant', tenant.id, { old: { status: 'suspended' }, new: { status: 'active' } });
  }
}
