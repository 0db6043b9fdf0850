import { Injectable } from '@nestjs/common';
import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import type { Ticket } from '../../domain/ticket.entity.js';
import { SearchKeyProvider } from './search-key-provider.js';
import { extractWords } from './search-words.js';

/** One indexed text source: the ticket itself (title and description) or one public comment. */
export interface SearchSource {
  tenantId: string;
  ticketId: string;
  /** The ticket id for the ticket's own text, the comment id for a comment. */
  sourceId: string;
  texts: string[];
}

const isPostgres = (manager: EntityManager) => manager.connection.driver.options.type === 'postgres';

/**
 * FTS5 token for an id: letters and digits only, because the `ascii` tokenizer splits on `-`.
 * The prefixes (`s` source, `t` ticket, `w` word term) keep the three kinds of token apart, so
 * queries need no column filter and the table can use `detail=none`.
 */
const idToken = (prefix: string, id: string) => `${prefix}${id.replace(/[^0-9a-zA-Z]/g, '').toLowerCase()}`;

/**
 * Full-text index over ticket titles, descriptions and public comments that stores no plaintext.
 * Each word becomes a keyed term (see SearchKeyProvider); a query hashes its words the same way
 * and matches tickets that contain every word in any of their sources.
 *
 * SQLite keeps the terms in the FTS5 table `ticket_search`, PostgreSQL in a tsvector column with
 * a GIN index. Both filter on tenant_id, and the per-tenant key keeps terms of different tenants
 * apart even inside the index.
 *
 * The trade-off of hashing: only whole words match after case and accent folding. There is no
 * prefix, fuzzy or phrase search, no stemming, and no ranking beyond the chosen sort. Someone
 * who reads the database learns which tickets share a word, and how often a term occurs, but
 * not the word itself.
 */
@Injectable()
export class TicketSearchIndex {
  constructor(private readonly keys: SearchKeyProvider) {}

  /** Replaces the terms of a ticket's title and description. A `created` ticket has none to remove. */
  async indexTicket(
    manager: EntityManager,
    ticket: Pick<Ticket, 'tenantId' | 'id' | 'title' | 'description'>,
    { created = false } = {},
  ): Promise<void> {
    const source = { tenantId: ticket.tenantId, ticketId: ticket.id, sourceId: ticket.id, texts: [ticket.title, ticket.description] };
    if (created) await this.addSource(manager, source);
    else await this.indexSource(manager, source);
  }

  /** Replaces the terms of one source inside the caller's transaction. */
  async indexSource(manager: EntityManager, source: SearchSource): Promise<void> {
    await this.removeSource(manager, source.tenantId, source.sourceId);
    await this.addSource(manager, source);
  }

  /** Adds the terms of a source that has none in the index yet. */
  private async addSource(manager: EntityManager, source: SearchSource): Promise<void> {
    const words = extractWords(source.texts.join('\n'));
    if (words.length === 0) return;
    const terms = this.keys.termsFor(source.tenantId, words);
    if (isPostgres(manager)) {
      await manager.query(
        `INSERT INTO ticket_search (tenant_id, source_id, ticket_id, terms)
         VALUES ($1, $2, $3, array_to_tsvector($4::text[]))`,
        [source.tenantId, source.sourceId, source.ticketId, terms],
      );
      return;
    }
    await manager.query(
      'INSERT INTO ticket_search (tenant_id, ticket_id, source_key, ticket_key, terms) VALUES (?, ?, ?, ?, ?)',
      [source.tenantId, source.ticketId, idToken('s', source.sourceId), idToken('t', source.ticketId), terms.join(' ')],
    );
  }

  async removeSource(manager: EntityManager, tenantId: string, sourceId: string): Promise<void> {
    if (isPostgres(manager)) {
      await manager.query('DELETE FROM ticket_search WHERE tenant_id = $1 AND source_id = $2', [tenantId, sourceId]);
      return;
    }
    await manager.query(
      `DELETE FROM ticket_search WHERE rowid IN
         (SELECT rowid FROM ticket_search WHERE ticket_search MATCH ? AND tenant_id = ?)`,
      [`"${idToken('s', sourceId)}"`, tenantId],
    );
  }

  /** Removes every source of a ticket, for erasure. */
  async removeTicket(manager: EntityManager, tenantId: string, ticketId: string): Promise<void> {
    if (isPostgres(manager)) {
      await manager.query('DELETE FROM ticket_search WHERE tenant_id = $1 AND ticket_id = $2', [tenantId, ticketId]);
      return;
    }
    await manager.query(
      `DELETE FROM ticket_search WHERE rowid IN
         (SELECT rowid FROM ticket_search WHERE ticket_search MATCH ? AND tenant_id = ?)`,
      [`"${idToken('t', ticketId)}"`, tenantId],
    );
  }

  /** Words of a query, for validation: an empty list means the query cannot match anything. */
  queryWords(query: string): string[] {
    return extractWords(query);
  }

  /**
   * Restricts a ticket query (alias `ticket`) to tickets whose sources contain every word.
   * Each word is its own sub-select, because the words may sit in different sources.
   */
  applyMatch(query: SelectQueryBuilder<Ticket>, tenantId: string, words: readonly string[]): void {
    const postgres = isPostgres(query.connection.manager);
    this.keys.termsFor(tenantId, words).forEach((term, index) => {
      const name = `searchTerm${index}`;
      const subquery = postgres
        ? `SELECT s.ticket_id FROM ticket_search s WHERE s.tenant_id = :searchTenant AND s.terms @@ CAST(:${name} AS tsquery)`
        : `SELECT s.ticket_id FROM ticket_search s WHERE s.ticket_search MATCH :${name} AND s.tenant_id = :searchTenant`;
      query.andWhere(`ticket.id IN (${subquery})`, {
        searchTenant: tenantId,
        [name]: postgres ? `'${term}'` : `"${term}"`,
      });
    });
  }
}
