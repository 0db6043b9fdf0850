import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { TenantCreatedEvent } from '#tenancy';
import { DomainCatalog } from '../domain-catalog.js';

/** Records the configuration a new tenant starts with as the first activation in its trail. */
@EventsHandler(TenantCreatedEvent)
export class RecordTenantConfigurationHandler implements IEventHandler<TenantCreatedEvent> {
  constructor(private readonly catalog: DomainCatalog) {}

  handle(event: TenantCreatedEvent): Promise<void> {
    const slug = event.changes.new?.slug;
    if (typeof slug !== 'string') {
      return Promise.resolve();
    }
    // DomainCatalog catches and logs failures, because errors thrown here bypass every filter.
    return this.catalog.tenantCreated(event.tenantId, slug);
  }
}
