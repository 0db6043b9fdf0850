import { DomainEvent, type Actor } from '#kernel';
import type { UserConsent } from '../domain/user-consent.entity.js';

abstract class ConsentEvent extends DomainEvent {
  constructor(
    readonly consent: UserConsent,
    actor: Actor,
  ) {
    super(
      consent.tenantId,
      actor,
      'consent',
      consent.id,
      {
        new: {
          subjectId: consent.subjectId,
          purpose: consent.purpose,
          granted: consent.granted,
          policyVersion: consent.policyVersion,
          source: consent.source,
          revision: consent.revision,
        },
      },
      { subjectIds: [consent.subjectId] },
    );
  }
}

export class ConsentGivenEvent extends ConsentEvent {
  readonly action = 'consent.given';
}

export class ConsentWithdrawnEvent extends ConsentEvent {
  readonly action = 'consent.withdrawn';
}

/** A data-subject export started; recorded before the first byte is sent. */
export class SubjectExportedEvent extends DomainEvent {
  readonly action = 'subject.exported';

  constructor(tenantId: string, actor: Actor, subjectId: string, details: Record<string, unknown>) {
    super(tenantId, actor, 'user', subjectId, { new: details }, { subjectIds: [subjectId] });
  }
}

/** The erasure receipt: counts and the sources and scopes of the identifiers, never their values. */
export class SubjectErasedEvent extends DomainEvent {
  readonly action = 'subject.erased';

  constructor(tenantId: string, actor: Actor, subjectId: string, receipt: Record<string, unknown>) {
    super(tenantId, actor, 'user', subjectId, { new: receipt }, { subjectIds: [subjectId] });
  }
}

/** Personal data found by the scrubber was removed from a record's free text. */
export class RecordRedactedEvent extends DomainEvent {
  readonly action: string;

  constructor(
    tenantId: string,
    actor: Actor,
    entityType: string,
    entityId: string,
    counts: Record<string, number>,
  ) {
    super(tenantId, actor, entityType, entityId, { new: { replacements: counts } });
    this.action = `${entityType}.redacted`;
  }
}

/** A retention run anonymised or purged expired records. */
export class RetentionAppliedEvent extends DomainEvent {
  readonly action = 'retention.applied';

  constructor(tenantId: string, actor: Actor, report: Record<string, unknown>) {
    super(tenantId, actor, 'tenant', tenantId, { new: report });
  }
}

/** The steps after an erasure's commit: subject key destruction and file removal. */
export class SubjectErasureCompletedEvent extends DomainEvent {
  readonly action = 'subject.erasure_completed';

  constructor(tenantId: string, actor: Actor, subjectId: string, outcome: Record<string, unknown>) {
    super(tenantId, actor, 'user', subjectId, { new: outcome }, { subjectIds: [subjectId] });
  }
}

/** A real retention run finished; its totals, also when nothing had expired. */
export class RetentionCompletedEvent extends DomainEvent {
  readonly action = 'retention.completed';

  constructor(tenantId: string, actor: Actor, summary: Record<string, unknown>) {
    super(tenantId, actor, 'tenant', tenantId, { new: summary });
  }
}
