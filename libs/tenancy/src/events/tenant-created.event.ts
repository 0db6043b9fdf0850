import { DomainEvent, type Actor } from '#kernel';
import type { Tenant } from '../domain/tenant.entity.js';

export class TenantCreatedEvent extends DomainEvent {
  readonly action = 'tenant.created';

  constructor(tenant: Tenant, actor: Actor) {
    super(tenant.id, actor, 'tenant', tenant.id, {
      new: {
        slug: tenant.slug,
        name: tenant.name,
        jurisdiction: tenant.jurisdiction,
        storage: tenant.storage,
        status: tenant.status,
        settings: tenant.settings,
      },
    });
  }
}
