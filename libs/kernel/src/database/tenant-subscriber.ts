import {
  EventSubscriber,
  type EntityMetadata,
  type EntitySubscriberInterface,
  type InsertEvent,
  type RemoveEvent,
  type SoftRemoveEvent,
  type UpdateEvent,
} from 'typeorm';
import { MissingRequestContextError, RequestContext } from '../context/request-context.js';

export class CrossTenantAccessError extends Error {
  constructor(operation: string, entity: string) {
    super(`Refused to ${operation} a ${entity} row of another tenant`);
  }
}

type TenantRow = { tenantId?: string };

function isTenantScoped(metadata: EntityMetadata): boolean {
  return metadata.findColumnWithPropertyName('tenantId') !== undefined;
}

function activeTenant(): string {
  const state = RequestContext.find();
  if (!state?.tenantId) throw new MissingRequestContextError('tenant for a tenant-scoped row');
  return state.tenantId;
}

/**
 * Second wall of tenant isolation, behind the explicit `tenantId` in every query: stamps the
 * active tenant on inserts and refuses to load, update or delete a row of another tenant.
 */
@EventSubscriber()
export class TenantSubscriber implements EntitySubscriberInterface {
  afterLoad(entity: unknown, event?: { metadata: EntityMetadata }): void {
    const row = entity as TenantRow;
    if (!event || !isTenantScoped(event.metadata) || row.tenantId === undefined) return;
    if (row.tenantId !== activeTenant()) {
      throw new CrossTenantAccessError('load', event.metadata.name);
    }
  }

  beforeInsert(event: InsertEvent<TenantRow>): void {
    if (!isTenantScoped(event.metadata)) return;
    const tenantId = activeTenant();
    event.entity.tenantId ??= tenantId;
    if (event.entity.tenantId !== tenantId) {
      throw new CrossTenantAccessError('insert', event.metadata.name);
    }
  }

  beforeUpdate(event: UpdateEvent<TenantRow>): void {
    this.check('update', event.metadata, event.entity as TenantRow | undefined, event.databaseEntity);
  }

  beforeRemove(event: RemoveEvent<TenantRow>): void {
    this.check('delete', event.metadata, event.entity, event.databaseEntity);
  }

  beforeSoftRemove(event: SoftRemoveEvent<TenantRow>): void {
    this.check('delete', event.metadata, event.entity, event.databaseEntity);
  }

  private check(
    operation: string,
    metadata: EntityMetadata,
    entity: TenantRow | undefined,
    stored: TenantRow | undefined,
  ): void {
    if (!isTenantScoped(metadata)) return;
    const tenantId = activeTenant();
    for (const row of [entity, stored]) {
      if (row?.tenantId !== undefined && row.tenantId !== tenantId) {
        throw new CrossTenantAccessError(operation, metadata.name);
      }
    }
  }
}
