import { QueryBus, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TenantDatabase, type Page } from '#kernel';
import { GetTicketQuery } from '#tickets';
import { AuditLogEntry } from '../../domain/audit-log-entry.entity.js';
import { decodeSequenceCursor, encodeSequenceCursor } from '../../domain/sequence-cursor.js';
import {
  isStaffOnlyEntry,
  toTicketHistoryEntry,
  type TicketHistoryEntry,
} from '../../domain/ticket-history-entry.view.js';
import { GetTicketHistoryQuery } from './get-ticket-history.query.js';

/**
 * The audit entries of one ticket and of its parts (comments, attachments), oldest first, for
 * anyone who may read the ticket. Visibility is decided by the tickets context: GetTicketQuery
 * raises not-found for a ticket the caller may not see. Readers without `comments.internal` get
 * no staff-only entry (see isStaffOnlyEntry).
 */
@QueryHandler(GetTicketHistoryQuery)
export class GetTicketHistoryHandler implements IQueryHandler<GetTicketHistoryQuery> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly queries: QueryBus,
  ) {}

  async execute({
    principal,
    ticketId,
    limit,
    cursor,
  }: GetTicketHistoryQuery): Promise<Page<TicketHistoryEntry>> {
    await this.queries.execute(new GetTicketQuery(principal, ticketId));
    const tenantId = principal.tenantId;
    const seesInternal = principal.permissions.has('comments.internal');
    const batchSize = limit + 1;

    // Internal entries are dropped after loading, so filling a page can take several batches.
    let after = decodeSequenceCursor(cursor) ?? 0;
    const visible: AuditLogEntry[] = [];
    for (;;) {
      const batch = await this.database.read(tenantId, (manager) =>
        manager
          .getRepository(AuditLogEntry)
          .createQueryBuilder('entry')
          .where('entry.tenantId = :tenantId', { tenantId })
          .andWhere(
            '((entry.entityType = :type AND entry.entityId = :ticketId) OR ' +
              '(entry.parentEntityType = :type AND entry.parentEntityId = :ticketId))',
            { type: 'ticket', ticketId },
          )
          .andWhere('entry.sequence > :after', { after })
          .orderBy('entry.sequence', 'ASC')
          .limit(batchSize)
          .getMany(),
      );
      for (const entry of batch) {
        if (seesInternal || !isStaffOnlyEntry(entry)) visible.push(entry);
      }
      if (visible.length > limit || batch.length < batchSize) break;
      after = batch.at(-1)!.sequence;
    }

    const page = visible.slice(0, limit);
    const last = page.at(-1);
    const withClientDetails = principal.permissions.has('audit.read');
    return {
      data: page.map((entry) => toTicketHistoryEntry(entry, withClientDetails)),
      nextCursor: visible.length > limit && last ? encodeSequenceCursor(last) : null,
    };
  }
}
