import type { Actor } from '../context/request-context.js';

/** Values before and after a change, keyed by field name; absent for pure creations or reads. */
export interface ChangeSet {
  old?: Record<string, unknown>;
  new?: Record<string, unknown>;
}

/**
 * Base of every state-changing event. The audit context records each one in the transaction of
 * the change, so an event must describe the change fully: who, what, which entity, which values.
 */
export abstract class DomainEvent {
  abstract readonly action: string;
  readonly occurredAt = new Date();

  constructor(
    readonly tenantId: string,
    readonly actor: Actor,
    readonly entityType: string,
    readonly entityId: string,
    readonly changes: ChangeSet = {},
    readonly meta: {
      configVersion?: string;
      /** Users this event is about, for data-subject export and erasure. */
      subjectIds?: readonly string[];
      /** Field names within `changes` that contain personal data. */
      personalFields?: readonly string[];
      /**
       * The entity this one belongs to, such as the ticket of a comment, so the entry appears in
       * that entity's history. Without it, a string `ticketId` in the values names the ticket.
       */
      parent?: { entityType: string; entityId: string };
    } = {},
  ) {}
}
