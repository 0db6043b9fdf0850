import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Brackets, In, IsNull, type EntityManager, type QueryDeepPartialEntity } from 'typeorm';
import {
  PersonalDataRegistry,
  rewriteStrings,
  someString,
  type DataSubject,
  type ErasureContext,
  type ErasureCounts,
  type ExportSection,
  type PersonalDataParticipant,
  type RedactionTarget,
  type RetentionCandidate,
  type RetentionParticipant,
  type RetentionRule,
  type UnitOfWork,
} from '#kernel';
import { EraseOwnerAttachmentsCommand } from '../commands/erase-owner-attachments/erase-owner-attachments.command.js';
import { TicketAttachment } from '../domain/attachment.entity.js';
import { CommentRevision } from '../domain/comment-revision.entity.js';
import { TicketComment } from '../domain/comment.entity.js';
import { TicketTag } from '../domain/ticket-tag.entity.js';
import { SavedFilter } from '../domain/saved-filter.entity.js';
import { Ticket } from '../domain/ticket.entity.js';
import { AttachmentFiles } from './attachments/attachment-files.js';
import { TicketSearchIndex } from './search/ticket-search-index.js';

/** Rows read per query, so exports and erasures of large tenants stay within flat memory. */
const BATCH_SIZE = 200;
/** Requester of an anonymised ticket: the nil UUID, which no account has. */
const ANONYMOUS_REQUESTER = '00000000-0000-0000-0000-000000000000';
const ANONYMISED = '[anonymised]';
const ERASED = '[erased]';

type Scrub = (text: string) => string;
type Keyed = { id: string };

/**
 * The tickets context's share of data-subject requests. Exports hold the tickets the subject
 * requested (custom field values included), the comments they wrote and the earlier texts of
 * those comments, the attachments they uploaded (metadata and download path) and their saved
 * filters. Erasure removes the subject from the free text of every ticket and comment,
 * redaction scrubs one ticket, and retention anonymises or purges closed tickets.
 */
@Injectable()
export class TicketsPersonalDataParticipant
  implements PersonalDataParticipant, RetentionParticipant, OnModuleInit
{
  readonly context = 'tickets';
  readonly retention: RetentionParticipant = this;
  private readonly logger = new Logger(TicketsPersonalDataParticipant.name);
  /** Attachment files whose rows a retention batch deleted, shredded once the batch commits. */
  private readonly filesToShred = new Map<string, string[]>();

  constructor(
    private readonly registry: PersonalDataRegistry,
    private readonly searchIndex: TicketSearchIndex,
    private readonly files: AttachmentFiles,
    private readonly commands: CommandBus,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async *export(
    manager: EntityManager,
    tenantId: string,
    subjectId: string,
  ): AsyncIterable<ExportSection> {
    const requested = { requesterId: subjectId };
    yield {
      name: 'tickets',
      records: mapEach(this.rows(manager, Ticket, tenantId, requested), exportedTicket),
    };
    const authored = { authorId: subjectId };
    yield {
      name: 'comments',
      records: mapEach(this.rows(manager, TicketComment, tenantId, authored), exportedComment),
    };
    const replaced = { replacedBy: subjectId };
    yield {
      name: 'commentRevisions',
      records: mapEach(this.rows(manager, CommentRevision, tenantId, replaced), exportedRevision),
    };
    const uploaded = { uploaderId: subjectId };
    yield {
      name: 'attachments',
      records: mapEach(
        this.rows(manager, TicketAttachment, tenantId, uploaded),
        exportedAttachment,
      ),
    };
    const owned = { ownerId: subjectId };
    yield {
      name: 'savedFilters',
      records: mapEach(this.rows(manager, SavedFilter, tenantId, owned), exportedFilter),
    };
  }

  /**
   * Scrubs every ticket and comment of the tenant, because a name can appear in anyone's text.
   * A ticket is linked to the subject when they requested it, are assigned to it, watch it or
   * commented on it, or when its text contains a tenant-wide identifier of theirs. A comment is
   * linked when they wrote it, its ticket is linked, or its body contains such an identifier.
   * Tickets the subject requested, and comments on them, lose every detected identifier and all
   * of the subject's identifiers. Other linked records lose all of the subject's identifiers,
   * and the rest of the tenant's text loses only the tenant-wide ones. Comments the subject
   * wrote become "[erased]" and their earlier texts are deleted, as are their saved filters.
   * Linked tickets and comments are added to `context.linked`, and changed text is indexed again
   * for search.
   */
  async erase(
    unitOfWork: UnitOfWork,
    subject: DataSubject,
    context: ErasureContext,
  ): Promise<ErasureCounts> {
    const { manager, tenantId } = unitOfWork;
    const counts: ErasureCounts = {};
    const requested = new Set<string>();
    const linked = await this.commentedTickets(manager, tenantId, subject);
    // NOTE: erasure reads every ticket and comment of the tenant once, in one transaction that
    // blocks the write queue; for tenants with millions of rows that takes minutes.
    for await (const ticket of this.rows(manager, Ticket, tenantId)) {
      const own = ticket.requesterId === subject.id;
      if (own) requested.add(ticket.id);
      if (own || isLinkedTicket(ticket, subject, context)) linked.add(ticket.id);
      const scrub = own
        ? context.scrubAll
        : linked.has(ticket.id)
          ? context.scrubLinked
          : context.scrubKnown;
      add(counts, await this.rewriteTicket(manager, ticket, scrub));
    }
    for (const id of linked) context.linked.add('ticket', id);
    const linkedComments = new Set<string>();
    for await (const comment of this.rows(manager, TicketComment, tenantId)) {
      const isLinked =
        comment.authorId === subject.id ||
        linked.has(comment.ticketId) ||
        context.mentionsSubject(comment.body);
      if (isLinked) {
        linkedComments.add(comment.id);
        context.linked.add('ticket_comment', comment.id);
      }
      const scrub: Scrub =
        comment.authorId === subject.id
          ? () => ERASED
          : requested.has(comment.ticketId)
            ? context.scrubAll
            : isLinked
              ? context.scrubLinked
              : context.scrubKnown;
      add(counts, await this.rewriteComment(manager, comment, scrub));
    }
    const revisions = await manager.delete(CommentRevision, { tenantId, replacedBy: subject.id });
    counts['comment_revisions.deleted'] = revisions.affected ?? 0;
    for await (const revision of this.rows(manager, CommentRevision, tenantId)) {
      const isLinked =
        linkedComments.has(revision.commentId) || context.mentionsSubject(revision.body);
      const scrub = isLinked ? context.scrubLinked : context.scrubKnown;
      add(counts, await this.rewriteRevision(manager, revision, scrub));
    }
    for await (const attachment of this.rows(manager, TicketAttachment, tenantId)) {
      if (attachment.uploaderId === subject.id) continue;
      const scrub = requested.has(attachment.ticketId)
        ? context.scrubAll
        : linked.has(attachment.ticketId) || context.mentionsSubject(attachment.fileName)
          ? context.scrubLinked
          : context.scrubKnown;
      add(counts, await this.rewriteFileName(manager, attachment, scrub));
    }
    add(counts, await this.eraseSavedFilters(manager, tenantId, subject, context));
    counts['tickets.requested'] = requested.size;
    counts['tickets.linked'] = linked.size;
    counts['ticket_comments.linked'] = linkedComments.size;
    return counts;
  }

  /** Returns the ids of the tickets the subject commented on. */
  private async commentedTickets(
    manager: EntityManager,
    tenantId: string,
    subject: DataSubject,
  ): Promise<Set<string>> {
    const ids = new Set<string>();
    const authored = { authorId: subject.id };
    for await (const comment of this.rows(manager, TicketComment, tenantId, authored)) {
      ids.add(comment.ticketId);
    }
    return ids;
  }

  /**
   * Deletes the attachments the subject uploaded, rows and files, after the erasure commits.
   * Their file keys were encrypted with the subject key, which the erasure destroys as well.
   */
  async afterErasure(
    tenantId: string,
    subject: DataSubject,
    context: ErasureContext,
  ): Promise<ErasureCounts> {
    const result = await this.commands.execute(
      new EraseOwnerAttachmentsCommand(tenantId, context.actor, subject.id),
    );
    return { 'ticket_attachments.deleted': result.erased };
  }

  async redact(
    unitOfWork: UnitOfWork,
    target: RedactionTarget,
    scrub: Scrub,
  ): Promise<ErasureCounts | null> {
    if (target.entityType !== 'ticket') return null;
    const { manager, tenantId } = unitOfWork;
    const ticket = await manager.findOne(Ticket, {
      where: { tenantId, id: target.entityId, deletedAt: IsNull() },
    });
    if (!ticket) return null;
    const counts = await this.rewriteTicket(manager, ticket, scrub);
    for await (const comment of this.rows(manager, TicketComment, tenantId, {
      ticketId: ticket.id,
    })) {
      add(counts, await this.rewriteComment(manager, comment, scrub));
    }
    for await (const revision of this.rows(manager, CommentRevision, tenantId, {
      ticketId: ticket.id,
    })) {
      add(counts, await this.rewriteRevision(manager, revision, scrub));
    }
    return counts;
  }

  async findExpired(
    manager: EntityManager,
    tenantId: string,
    rules: readonly RetentionRule[],
    now: Date,
    limit: number,
    after?: string,
  ): Promise<RetentionCandidate[]> {
    const specific = rules.filter((rule) => rule.domainId !== '*');
    const fallback = rules.find((rule) => rule.domainId === '*');
    if (specific.length === 0 && !fallback) return [];
    const query = manager
      .getRepository(Ticket)
      .createQueryBuilder('ticket')
      .where('ticket.tenantId = :tenantId AND ticket.resolvedAt IS NOT NULL', { tenantId })
      .andWhere('ticket.requesterId <> :anonymous', { anonymous: ANONYMOUS_REQUESTER });
    if (after) query.andWhere('ticket.id > :after', { after });
    query.andWhere(
      new Brackets((any) => {
        specific.forEach((rule, index) => {
          any.orWhere(
            `(ticket.domainId = :domain${index} AND ticket.resolvedAt < :cutoff${index})`,
            {
              [`domain${index}`]: rule.domainId,
              [`cutoff${index}`]: cutoffOf(rule, now),
            },
          );
        });
        if (!fallback) return;
        const named = specific.map((rule) => rule.domainId);
        const cutoff = 'ticket.resolvedAt < :fallbackCutoff';
        any.orWhere(
          named.length > 0 ? `(ticket.domainId NOT IN (:...named) AND ${cutoff})` : cutoff,
          {
            named,
            fallbackCutoff: cutoffOf(fallback, now),
          },
        );
      }),
    );
    const tickets = await query.orderBy('ticket.id', 'ASC').limit(limit).getMany();
    return tickets.map((ticket) => ({
      entityType: 'ticket',
      entityId: ticket.id,
      domainId: ticket.domainId,
      closedAt: ticket.resolvedAt!.toISOString(),
      action: (rules.find((rule) => rule.domainId === ticket.domainId) ?? fallback)!.action,
    }));
  }

  /**
   * `anonymise` keeps the ticket's domain, type, status, priority, dates and comment count for
   * statistics, and replaces its text, custom field values, requester, assignee, watchers and
   * comment texts. `purge` deletes the ticket with its comments, tags and search terms.
   */
  async applyRetention(
    unitOfWork: UnitOfWork,
    candidates: readonly RetentionCandidate[],
  ): Promise<ErasureCounts> {
    const { manager, tenantId } = unitOfWork;
    const idsFor = (action: RetentionCandidate['action']) =>
      candidates
        .filter((item) => item.entityType === 'ticket' && item.action === action)
        .map((item) => item.entityId);
    const anonymise = idsFor('anonymise');
    const purge = idsFor('purge');
    const all = [...anonymise, ...purge];
    if (all.length === 0) return { 'tickets.anonymised': 0, 'tickets.purged': 0 };

    for (const id of all) await this.searchIndex.removeTicket(manager, tenantId, id);
    const attachments = await manager.find(TicketAttachment, {
      select: { tenantId: true, id: true },
      where: { tenantId, ticketId: In(all) },
    });
    if (attachments.length > 0) {
      await manager.delete(TicketAttachment, { tenantId, ticketId: In(all) });
      const pending = this.filesToShred.get(tenantId) ?? [];
      this.filesToShred.set(tenantId, [
        ...pending,
        ...attachments.map((attachment) => attachment.id),
      ]);
    }
    const revisions = await manager.delete(CommentRevision, { tenantId, ticketId: In(all) });
    const counts: ErasureCounts = {
      'comment_revisions.deleted': revisions.affected ?? 0,
      'ticket_attachments.deleted': attachments.length,
    };
    if (anonymise.length > 0) {
      const where = { tenantId, id: In(anonymise) };
      const update: QueryDeepPartialEntity<Ticket> = {
        title: ANONYMISED,
        description: '',
        customFields: {},
        requesterId: ANONYMOUS_REQUESTER,
        assigneeId: null,
        watcherIds: [],
        externalRef: null,
        version: () => 'version + 1',
      };
      counts['tickets.anonymised'] = (await manager.update(Ticket, where, update)).affected ?? 0;
      const comments = await manager.update(
        TicketComment,
        { tenantId, ticketId: In(anonymise) },
        { body: ANONYMISED },
      );
      counts['ticket_comments.anonymised'] = comments.affected ?? 0;
    }
    if (purge.length > 0) {
      const comments = await manager.delete(TicketComment, { tenantId, ticketId: In(purge) });
      counts['ticket_comments.purged'] = comments.affected ?? 0;
      await manager.delete(TicketTag, { tenantId, ticketId: In(purge) });
      counts['tickets.purged'] =
        (await manager.delete(Ticket, { tenantId, id: In(purge) })).affected ?? 0;
    }
    return counts;
  }

  /** Shreds the files of the attachments that the last retention batch deleted. */
  async afterRetention(tenantId: string): Promise<ErasureCounts> {
    const ids = this.filesToShred.get(tenantId) ?? [];
    this.filesToShred.delete(tenantId);
    let shredded = 0;
    for (const id of ids) {
      try {
        await this.files.shred(tenantId, id);
        shredded += 1;
      } catch (error) {
        this.logger.error({
          message: 'Shredding an expired attachment failed',
          tenantId,
          attachmentId: id,
          error: String(error),
        });
      }
    }
    return { 'attachment_files.shredded': shredded };
  }

  private async rewriteFileName(
    manager: EntityManager,
    attachment: TicketAttachment,
    scrub: Scrub,
  ): Promise<ErasureCounts> {
    const fileName = scrub(attachment.fileName);
    if (fileName === attachment.fileName) return { 'ticket_attachments.file_name': 0 };
    const where = { tenantId: attachment.tenantId, id: attachment.id };
    await manager.update(TicketAttachment, where, { fileName });
    return { 'ticket_attachments.file_name': 1 };
  }

  /**
   * Deletes the subject's saved filters. Other users' filters lose the tenant-wide identifiers,
   * and all of the subject's identifiers when their name or criteria mention the subject.
   */
  private async eraseSavedFilters(
    manager: EntityManager,
    tenantId: string,
    subject: DataSubject,
    context: ErasureContext,
  ): Promise<ErasureCounts> {
    const deleted = await manager.delete(SavedFilter, { tenantId, ownerId: subject.id });
    let rewritten = 0;
    for await (const filter of this.rows(manager, SavedFilter, tenantId)) {
      const mentioned =
        context.mentionsSubject(filter.name) ||
        someString(filter.criteria, context.mentionsSubject);
      const scrub = mentioned ? context.scrubLinked : context.scrubKnown;
      const name = scrub(filter.name);
      const criteria = rewriteStrings(filter.criteria, scrub);
      if (name === filter.name && criteria.changed === 0) continue;
      const changes = { name, criteria: criteria.value } as QueryDeepPartialEntity<SavedFilter>;
      await manager.update(SavedFilter, { tenantId, id: filter.id }, changes);
      rewritten += 1;
    }
    return { 'saved_filters.deleted': deleted.affected ?? 0, 'saved_filters.rewritten': rewritten };
  }

  private async rewriteTicket(
    manager: EntityManager,
    ticket: Ticket,
    scrub: Scrub,
  ): Promise<ErasureCounts> {
    const title = scrub(ticket.title);
    const description = scrub(ticket.description);
    const custom = rewriteStrings(ticket.customFields, scrub);
    const counts: ErasureCounts = {
      'tickets.title': title === ticket.title ? 0 : 1,
      'tickets.description': description === ticket.description ? 0 : 1,
      'tickets.custom_fields': custom.changed,
    };
    if (Object.values(counts).every((count) => count === 0)) return counts;

    const changes = {
      title,
      description,
      customFields: custom.value,
      version: () => 'version + 1',
    } as QueryDeepPartialEntity<Ticket>;
    await manager.update(Ticket, { tenantId: ticket.tenantId, id: ticket.id }, changes);
    await this.searchIndex.indexTicket(manager, { ...ticket, title, description });
    return counts;
  }

  private async rewriteComment(
    manager: EntityManager,
    comment: TicketComment,
    scrub: Scrub,
  ): Promise<ErasureCounts> {
    const body = scrub(comment.body);
    if (body === comment.body) return { 'ticket_comments.body': 0 };
    await manager.update(TicketComment, { tenantId: comment.tenantId, id: comment.id }, { body });
    if (!comment.internal) {
      const source = {
        tenantId: comment.tenantId,
        ticketId: comment.ticketId,
        sourceId: comment.id,
      };
      await this.searchIndex.indexSource(manager, { ...source, texts: [body] });
    }
    return { 'ticket_comments.body': 1 };
  }

  private async rewriteRevision(
    manager: EntityManager,
    revision: CommentRevision,
    scrub: Scrub,
  ): Promise<ErasureCounts> {
    const body = scrub(revision.body);
    if (body === revision.body) return { 'comment_revisions.body': 0 };
    await manager.update(
      CommentRevision,
      { tenantId: revision.tenantId, id: revision.id },
      { body },
    );
    return { 'comment_revisions.body': 1 };
  }

  /** Rows of one tenant in id order, read in batches; `filter` narrows them by column values. */
  private async *rows<T extends Keyed>(
    manager: EntityManager,
    entity: new () => T,
    tenantId: string,
    filter: Record<string, string> = {},
  ): AsyncIterable<T> {
    let after = '';
    for (;;) {
      const query = manager
        .getRepository(entity)
        .createQueryBuilder('row')
        .where('row.tenantId = :tenantId AND row.id > :after', { tenantId, after });
      for (const [column, value] of Object.entries(filter)) {
        query.andWhere(`row.${column} = :${column}`, { [column]: value });
      }
      const batch = await query.orderBy('row.id', 'ASC').limit(BATCH_SIZE).getMany();
      yield* batch;
      if (batch.length < BATCH_SIZE) return;
      after = batch[batch.length - 1]!.id;
    }
  }
}

/**
 * Tells whether a ticket is linked to the subject by a role (assignee, watcher) or because its
 * title, description or custom field values contain a tenant-wide identifier of the subject.
 * Requested and commented tickets are linked as well; the caller checks those.
 */
function isLinkedTicket(ticket: Ticket, subject: DataSubject, context: ErasureContext): boolean {
  if (ticket.assigneeId === subject.id || ticket.watcherIds.includes(subject.id)) return true;
  return (
    context.mentionsSubject(ticket.title) ||
    context.mentionsSubject(ticket.description) ||
    someString(ticket.customFields, context.mentionsSubject)
  );
}

function add(total: ErasureCounts, counts: ErasureCounts): void {
  for (const [field, count] of Object.entries(counts)) total[field] = (total[field] ?? 0) + count;
}

async function* mapEach<T>(
  rows: AsyncIterable<T>,
  map: (row: T) => unknown,
): AsyncIterable<unknown> {
  for await (const row of rows) yield map(row);
}

function cutoffOf(rule: RetentionRule, now: Date): Date {
  return new Date(now.getTime() - rule.days * 24 * 60 * 60 * 1000);
}

function exportedTicket(ticket: Ticket): Record<string, unknown> {
  return {
    id: ticket.id,
    domainId: ticket.domainId,
    typeCode: ticket.typeCode,
    status: ticket.status,
    title: ticket.title,
    description: ticket.description,
    priority: ticket.priority,
    customFields: ticket.customFields,
    assigneeId: ticket.assigneeId,
    projectId: ticket.projectId,
    tags: ticket.tags,
    createdAt: ticket.createdAt.toISOString(),
    updatedAt: ticket.updatedAt.toISOString(),
    dueAt: ticket.dueAt?.toISOString() ?? null,
    resolvedAt: ticket.resolvedAt?.toISOString() ?? null,
    deletedAt: ticket.deletedAt?.toISOString() ?? null,
  };
}

function exportedComment(comment: TicketComment): Record<string, unknown> {
  return {
    id: comment.id,
    ticketId: comment.ticketId,
    body: comment.body,
    internal: Boolean(comment.internal),
    version: comment.version,
    createdAt: comment.createdAt.toISOString(),
    editedAt: comment.editedAt?.toISOString() ?? null,
  };
}

function exportedRevision(revision: CommentRevision): Record<string, unknown> {
  return {
    id: revision.id,
    commentId: revision.commentId,
    ticketId: revision.ticketId,
    version: revision.version,
    body: revision.body,
    replacedAt: revision.replacedAt.toISOString(),
  };
}

function exportedFilter(filter: SavedFilter): Record<string, unknown> {
  return {
    id: filter.id,
    name: filter.name,
    criteria: filter.criteria,
    createdAt: filter.createdAt.toISOString(),
    updatedAt: filter.updatedAt.toISOString(),
  };
}

function exportedAttachment(attachment: TicketAttachment): Record<string, unknown> {
  return {
    id: attachment.id,
    ticketId: attachment.ticketId,
    fileName: attachment.fileName,
    contentType: attachment.contentType,
    size: attachment.size,
    sha256: attachment.sha256,
    internal: Boolean(attachment.internal),
    createdAt: attachment.createdAt.toISOString(),
    download: `/api/v1/tickets/${attachment.ticketId}/attachments/${attachment.id}`,
  };
}
