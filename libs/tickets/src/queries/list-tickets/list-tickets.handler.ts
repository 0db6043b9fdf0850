import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { Brackets, type SelectQueryBuilder } from 'typeorm';
import { MasalaException, TenantDatabase, selectFlat, type Page, type Principal } from '#kernel';
import { normalizeTags } from '../../domain/tags.js';
import { readsAllTickets, viewerOf } from '../../domain/ticket-access.js';
import { Ticket } from '../../domain/ticket.entity.js';
import { toTicketView, type TicketView } from '../../domain/ticket.view.js';
import { TicketSearchIndex } from '../../infrastructure/search/ticket-search-index.js';
import { ListTicketsQuery, type TicketFilters } from './list-tickets.query.js';
import { applyTicketSort, decodeTicketCursor, encodeTicketCursor } from './ticket-sort.js';

export const MAX_QUERY_WORDS = 10;

/** Lists the tickets a caller may read, filtered, searched and sorted, with keyset pagination. */
@QueryHandler(ListTicketsQuery)
export class ListTicketsHandler implements IQueryHandler<ListTicketsQuery> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly search: TicketSearchIndex,
  ) {}

  async execute({ principal, filters, limit, cursor: rawCursor, sort }: ListTicketsQuery): Promise<Page<TicketView>> {
    const tenantId = principal.tenantId;
    const cursor = decodeTicketCursor(rawCursor, sort);
    const words = this.searchWords(filters.q);
    const now = new Date();

    const rows = await this.database.read(tenantId, (manager) => {
      const query = manager
        .getRepository(Ticket)
        .createQueryBuilder('ticket')
        .where('ticket.tenantId = :tenantId', { tenantId })
        .andWhere('ticket.deletedAt IS NULL');
      this.applyVisibility(query, principal);
      this.applyFilters(query, filters, now);
      if (words.length > 0) this.search.applyMatch(query, tenantId, words);
      applyTicketSort(query, sort, cursor);
      return selectFlat(query.limit(limit + 1));
    });

    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const viewer = viewerOf(principal);
    return {
      data: page.map((ticket) => toTicketView(ticket, viewer, now)),
      nextCursor: rows.length > limit && last ? encodeTicketCursor(sort, last) : null,
    };
  }

  private searchWords(q: string | undefined): string[] {
    if (q === undefined || q.trim() === '') return [];
    const words = this.search.queryWords(q);
    if (words.length === 0) {
      throw MasalaException.validation([
        { field: 'q', rule: 'words', message: 'q must contain a word of at least 2 letters or digits' },
      ]);
    }
    if (words.length > MAX_QUERY_WORDS) {
      throw MasalaException.validation([
        { field: 'q', rule: 'max_words', message: `q may contain at most ${MAX_QUERY_WORDS} words` },
      ]);
    }
    return words;
  }

  private applyVisibility(query: SelectQueryBuilder<Ticket>, principal: Principal): void {
    if (!readsAllTickets(principal)) {
      query.andWhere('ticket.requesterId = :self', { self: principal.actor.id });
    }
  }

  private applyFilters(query: SelectQueryBuilder<Ticket>, filters: TicketFilters, now: Date): void {
    const equal = ['status', 'domainId', 'typeCode', 'assigneeId', 'requesterId', 'projectId'] as const;
    for (const field of equal) {
      const value = filters[field];
      if (value !== undefined) query.andWhere(`ticket.${field} = :${field}`, { [field]: value });
    }
    if (filters.tag !== undefined) {
      const tag = normalizeTags([filters.tag], 'tag');
      if (tag.errors.length > 0) throw MasalaException.validation(tag.errors);
      query.andWhere(
        'ticket.id IN (SELECT tt.ticket_id FROM ticket_tags tt WHERE tt.tenant_id = :tenantId AND tt.tag = :tag)',
        { tag: tag.tags[0] },
      );
    }
    if (filters.unassigned !== undefined) {
      query.andWhere(filters.unassigned ? 'ticket.assigneeId IS NULL' : 'ticket.assigneeId IS NOT NULL');
    }
    if (filters.dueBefore !== undefined) query.andWhere('ticket.dueAt < :dueBefore', { dueBefore: new Date(filters.dueBefore) });
    if (filters.dueAfter !== undefined) query.andWhere('ticket.dueAt >= :dueAfter', { dueAfter: new Date(filters.dueAfter) });
    if (filters.overdue === true) {
      query.andWhere('ticket.dueAt IS NOT NULL AND ticket.dueAt < :now AND ticket.resolvedAt IS NULL', { now });
    } else if (filters.overdue === false) {
      query.andWhere(
        new Brackets((open) =>
          open.where('ticket.dueAt IS NULL').orWhere('ticket.dueAt >= :now', { now }).orWhere('ticket.resolvedAt IS NOT NULL'),
        ),
      );
    }
  }
}
