import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../context/request-context.js';
import type { UnitOfWork } from '../events/unit-of-work.js';

/** The person an export or erasure is about, with the values that identify them in free text. */
export interface DataSubject {
  id: string;
  email: string;
  displayName: string;
  /** Further identifying values found in text, such as the local part of the e-mail address. */
  aliases: readonly string[];
  /** Account status before the request, for example `active` or `erased`. */
  status: string;
}

/**
 * One named part of an export document. `records` yields plain JSON values and should read them
 * in batches, because the exporter writes each record out before it reads the next one.
 */
export interface ExportSection {
  name: string;
  records: AsyncIterable<unknown> | Iterable<unknown>;
}

/** Changed values by `<table or entity>.<field>`, for example `{ 'tickets.title': 3 }`. */
export type ErasureCounts = Record<string, number>;

/**
 * Records that erasure steps found linked to the subject, by entity type (`ticket`,
 * `ticket_comment`) and id. Participants add the records they find, so participants that run
 * later, such as the audit trail, can treat entries about those records alike.
 */
export interface LinkedRecords {
  add(entityType: string, id: string): void;
  has(entityType: string, id: string): boolean;
}

/**
 * Actor and scrub functions passed to each erasure step besides the unit of work. The subject's
 * identifiers have two scopes. `tenantWideIdentifiers` are distinctive values stored with the
 * account (e-mail address, a display name of several words) and are erased from every record of
 * the tenant. `linkedIdentifiers` are further values, such as a nickname the officer supplied or
 * a one-word display name. They are erased only from records linked to the subject, such as
 * records they requested, were assigned to, watch or commented on, and records whose text
 * contains a tenant-wide identifier. A participant decides which of its records are linked.
 */
export interface ErasureContext {
  actor: Actor;
  readonly tenantWideIdentifiers: readonly string[];
  readonly linkedIdentifiers: readonly string[];
  /** Records found linked so far; a participant adds its own before later participants run. */
  readonly linked: LinkedRecords;
  /** Tells whether the text contains one of the tenant-wide identifiers, ignoring case. */
  mentionsSubject(text: string): boolean;
  /** Replaces each tenant-wide identifier with `[erased]`, for records not linked to the subject. */
  scrubKnown(text: string): string;
  /** Replaces each tenant-wide and linked identifier with `[erased]`, for linked records. */
  scrubLinked(text: string): string;
  /**
   * `scrubLinked`, and also replaces every e-mail address, phone number, IBAN, payment card
   * number and national register number that the scrubber detects. For text the subject wrote
   * or that is about them, such as the tickets they requested.
   */
  scrubAll(text: string): string;
}

/** A record named in a redaction request. */
export interface RedactionTarget {
  entityType: string;
  entityId: string;
}

/** How long a domain's closed records are kept, and what happens to them afterwards. */
export interface RetentionRule {
  /** Domain id, or `*` for every domain without a rule of its own. */
  domainId: string;
  /** Days after closing (entering a done state) that a record is kept. */
  days: number;
  /** `anonymise` keeps the record for statistics without personal data; `purge` deletes it. */
  action: 'anonymise' | 'purge';
}

/** A record whose retention period has passed. */
export interface RetentionCandidate {
  entityType: string;
  entityId: string;
  domainId: string;
  closedAt: string;
  action: RetentionRule['action'];
}

/** A context whose records expire under retention rules. */
export interface RetentionParticipant {
  /** Up to `limit` expired records, oldest first, after `after` (an entity id) when given. */
  findExpired(
    manager: EntityManager,
    tenantId: string,
    rules: readonly RetentionRule[],
    now: Date,
    limit: number,
    after?: string,
  ): Promise<RetentionCandidate[]>;
  /** Anonymises or purges the records, inside the unit of work; returns what changed. */
  applyRetention(
    unitOfWork: UnitOfWork,
    candidates: readonly RetentionCandidate[],
  ): Promise<ErasureCounts>;
  /** Work that must wait for the commit of `applyRetention`, such as deleting stored files. */
  afterRetention?(
    tenantId: string,
    candidates: readonly RetentionCandidate[],
  ): Promise<ErasureCounts>;
}

/**
 * A context's share of data-subject requests (GDPR Art. 15, 17 and 20). Each context registers
 * one participant with the PersonalDataRegistry; the compliance context runs them, so it never
 * reads another context's tables itself.
 */
export interface PersonalDataParticipant {
  /** Name of the context, used as the key of its counts in erasure receipts. */
  readonly context: string;
  /**
   * Order among participants during erasure: lower runs first. The audit participant runs last,
   * after every entry about the subject has been written. Defaults to 0.
   */
  readonly erasureOrder?: number;
  /** Every record the context stores about the subject, as export sections. */
  export(manager: EntityManager, tenantId: string, subjectId: string): AsyncIterable<ExportSection>;
  /**
   * Anonymises the subject inside the erasure's unit of work and returns what changed. It must
   * not emit events that carry the old values: the erasure records one `subject.erased` entry.
   */
  erase(
    unitOfWork: UnitOfWork,
    subject: DataSubject,
    context: ErasureContext,
  ): Promise<ErasureCounts>;
  /**
   * Work that must wait for the commit, such as deleting stored files. It runs once the erasure
   * has committed; a failure is logged and reported, and the database change stays.
   */
  afterErasure?(
    tenantId: string,
    subject: DataSubject,
    context: ErasureContext,
  ): Promise<ErasureCounts>;
  /**
   * Rewrites the free text of one record with `scrub`, for a redaction request. Returns the
   * changed values, or null when the record does not belong to this context or does not exist.
   */
  redact?(
    unitOfWork: UnitOfWork,
    target: RedactionTarget,
    scrub: (text: string) => string,
  ): Promise<ErasureCounts | null>;
  /** Present on contexts whose records expire under the tenant's retention rules. */
  readonly retention?: RetentionParticipant;
}

/** Finds data subjects; the identity context, which owns user accounts, provides it. */
export interface DataSubjectDirectory {
  /** The subject with this id in the tenant, or null when the tenant has no such user. */
  describe(
    manager: EntityManager,
    tenantId: string,
    subjectId: string,
  ): Promise<DataSubject | null>;
  /** The id of the tenant's user with this e-mail address, or null. */
  findIdByEmail(manager: EntityManager, tenantId: string, email: string): Promise<string | null>;
}

/**
 * Participants in data-subject requests, registered by each context when its module starts.
 * A context has at most one participant. A second registration under the same name replaces the
 * first, so a module that is initialised twice does not run twice.
 */
@Injectable()
export class PersonalDataRegistry {
  private readonly logger = new Logger(PersonalDataRegistry.name);
  private readonly byContext = new Map<string, PersonalDataParticipant>();
  private subjectDirectory?: DataSubjectDirectory;

  register(participant: PersonalDataParticipant): void {
    if (this.byContext.has(participant.context)) {
      this.logger.warn({
        message: 'Replacing a personal data participant',
        context: participant.context,
      });
    }
    this.byContext.set(participant.context, participant);
  }

  registerDirectory(directory: DataSubjectDirectory): void {
    this.subjectDirectory = directory;
  }

  /** Participants in registration order, for export. */
  participants(): PersonalDataParticipant[] {
    return [...this.byContext.values()];
  }

  /** Participants in erasure order: `erasureOrder` ascending, then registration order. */
  erasureParticipants(): PersonalDataParticipant[] {
    return this.participants()
      .map((participant, index) => ({ participant, index }))
      .sort(
        (a, b) =>
          (a.participant.erasureOrder ?? 0) - (b.participant.erasureOrder ?? 0) ||
          a.index - b.index,
      )
      .map(({ participant }) => participant);
  }

  /** Returns the directory of data subjects. Throws when the identity context registered none. */
  directory(): DataSubjectDirectory {
    if (!this.subjectDirectory) {
      throw new Error('No data subject directory is registered; import the identity module');
    }
    return this.subjectDirectory;
  }
}

/** Tells whether `test` holds for any string inside a JSON value (object values, array items). */
export function someString(value: unknown, test: (text: string) => boolean): boolean {
  if (typeof value === 'string') return test(value);
  if (Array.isArray(value)) return value.some((item) => someString(item, test));
  if (value === null || typeof value !== 'object') return false;
  return Object.values(value as Record<string, unknown>).some((item) => someString(item, test));
}

/**
 * Applies `rewrite` to every string inside a JSON value (object values, array items), keeping
 * keys, numbers, booleans and nulls. Returns the new value and how many strings changed.
 */
export function rewriteStrings(
  value: unknown,
  rewrite: (text: string) => string,
): { value: unknown; changed: number } {
  let changed = 0;
  const visit = (item: unknown): unknown => {
    if (typeof item === 'string') {
      const next = rewrite(item);
      if (next !== item) changed += 1;
      return next;
    }
    if (Array.isArray(item)) return item.map(visit);
    if (item === null || typeof item !== 'object') return item;
    return Object.fromEntries(
      Object.entries(item as Record<string, unknown>).map(([key, entry]) => [key, visit(entry)]),
    );
  };
  const result = visit(value);
  return { value: result, changed };
}
