import type { EntityManager } from 'typeorm';
import type { DomainEvent } from './domain-event.js';

/** Receives every domain event inside the transaction of the change, before commit. */
export interface TransactionalEventListener {
  handleWithinTransaction(event: DomainEvent, unitOfWork: UnitOfWork): Promise<void>;
}

/**
 * One request's share of a write transaction. Events emitted here reach the transactional
 * listeners (the audit trail) at once, so a failing listener rolls back the whole change; after
 * commit they are published on the CQRS event bus for side effects.
 */
export class UnitOfWork {
  readonly events: DomainEvent[] = [];

  constructor(
    readonly manager: EntityManager,
    readonly tenantId: string,
    private readonly listeners: readonly TransactionalEventListener[],
  ) {}

  async emit(event: DomainEvent): Promise<void> {
    if (event.tenantId !== this.tenantId) {
      throw new Error(
        `Event ${event.action} names tenant ${event.tenantId} inside a unit of work of tenant ${this.tenantId}`,
      );
    }
    for (const listener of this.listeners) {
      await listener.handleWithinTransaction(event, this);
    }
    this.events.push(event);
  }
}
