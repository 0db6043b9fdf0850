import { DomainEvent, type Actor } from '#kernel';

/** Reason a request was refused, as recorded in an `access.denied` entry. */
export type AccessDenialReason = 'forbidden' | 'tenant_suspended' | 'cross_tenant' | 'not_found';

export interface AccessDenialDetails {
  method: string;
  route: string;
  status: number;
  reason: AccessDenialReason;
  /** The `:id` route parameter, or the last one, when the route has parameters. */
  requestedId?: string;
}

/**
 * A refused request: a 403, a row of another tenant stopped by the tenant wall, or an
 * authenticated lookup that found nothing. Repeats are rate-limited by AccessDenialRecorder.
 */
export class AccessDeniedEvent extends DomainEvent {
  readonly action = 'access.denied';

  constructor(tenantId: string, actor: Actor, details: AccessDenialDetails) {
    super(tenantId, actor, 'route', `${details.method} ${details.route}`.slice(0, 64), {
      new: { ...details },
    });
  }
}

/** The summary written once a rate-limited window ends: how many denials were not recorded one by one. */
export class AccessDenialsSuppressedEvent extends DomainEvent {
  readonly action = 'access.denied';

  constructor(
    tenantId: string,
    actor: Actor,
    details: {
      method: string;
      route: string;
      suppressed: number;
      windowStart: string;
      windowEnd: string;
    },
  ) {
    super(tenantId, actor, 'route', `${details.method} ${details.route}`.slice(0, 64), {
      new: { ...details, summary: true },
    });
  }
}

/** Personal data about one person was erased from the audit entries and the chain re-sealed. */
export class AuditSubjectRedactedEvent extends DomainEvent {
  readonly action = 'audit.redacted';

  constructor(
    tenantId: string,
    actor: Actor,
    subjectId: string,
    details: {
      checkpointId: string | null;
      entriesRewritten: number;
      entriesResealed: number;
      sequence: number | null;
      lastSequence: number | null;
      reason: string;
    },
  ) {
    super(tenantId, actor, 'user', subjectId, { new: { ...details } }, { subjectIds: [subjectId] });
  }
}

/** Entries were written to an archive file and removed from the live table. */
export class AuditEntriesArchivedEvent extends DomainEvent {
  readonly action = 'audit.archived';

  constructor(
    tenantId: string,
    actor: Actor,
    checkpointId: string,
    details: {
      sequence: number;
      lastSequence: number;
      entries: number;
      before: string;
      checkpointDigest: string;
    },
  ) {
    super(tenantId, actor, 'audit_checkpoint', checkpointId, { new: { ...details } });
  }
}

/** An auditor exported a time range of the audit trail. */
export class AuditEntriesExportedEvent extends DomainEvent {
  readonly action = 'audit.exported';

  constructor(
    tenantId: string,
    actor: Actor,
    details: { from: string | null; to: string | null; entries: number },
  ) {
    super(tenantId, actor, 'audit_log', tenantId, { new: { ...details } });
  }
}
