import { Injectable } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import type { EntityManager } from 'typeorm';
import { RequestContext, type RequestContextState } from '../context/request-context.js';
import { UnitOfWork, type TransactionalEventListener } from '../events/unit-of-work.js';
import type { DomainEvent } from '../events/domain-event.js';
import { FieldEncryption } from '../crypto/field-encryption.js';
import { DatabaseRouter } from './database-router.js';

export class TenantMismatchError extends Error {
  constructor(active: string, requested: string) {
    super(`A context of tenant ${active} tried to reach the data of tenant ${requested}`);
  }
}

/**
 * The one way command and query handlers reach tenant data. `write` runs the work as one unit of
 * work inside a transaction, with the tenant entered in the request context for the subscribers;
 * events emitted there are recorded before commit and published on the CQRS bus after it.
 */
@Injectable()
export class TenantDatabase {
  private readonly listeners: TransactionalEventListener[] = [];

  constructor(
    readonly router: DatabaseRouter,
    private readonly eventBus: EventBus,
    private readonly encryption: FieldEncryption,
  ) {}

  registerListener(listener: TransactionalEventListener): void {
    this.listeners.push(listener);
  }

  async write<T>(tenantId: string, work: (unitOfWork: UnitOfWork) => Promise<T>): Promise<T> {
    const context = this.contextFor(tenantId);
    await this.encryption.prepareTenant(tenantId);
    const { result, events } = await this.router.withTenantStore(tenantId, (store) =>
      store.write(tenantId, (manager) =>
        RequestContext.run(context, async () => {
          const unitOfWork = new UnitOfWork(manager, tenantId, this.listeners);
          const result = await work(unitOfWork);
          return { result, events: unitOfWork.events };
        }),
      ),
    );
    this.publishAfterCommit(events);
    return result;
  }

  async read<T>(tenantId: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const context = this.contextFor(tenantId);
    await this.encryption.prepareTenant(tenantId);
    return this.router.withTenantStore(tenantId, (store) =>
      RequestContext.run(context, () => store.read(tenantId, work)),
    );
  }

  private contextFor(tenantId: string): RequestContextState {
    const outer = RequestContext.find();
    if (outer?.tenantId && outer.tenantId !== tenantId && !outer.system) {
      throw new TenantMismatchError(outer.tenantId, tenantId);
    }
    return { ...(outer ?? { correlationId: crypto.randomUUID() }), tenantId };
  }

  private publishAfterCommit(events: readonly DomainEvent[]): void {
    for (const event of events) this.eventBus.publish(event);
  }
}
