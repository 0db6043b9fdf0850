import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { Brackets } from 'typeorm';
import { TenantDatabase, decodeCursor, encodeCursor, type Page } from '#kernel';
import { readsAllTickets } from '../../domain/ticket-access.js';
import { Ticket } from '../../domain/ticket.entity.js';
import { toTicketView, type TicketView } from '../../domain/ticket.view.js';
import { ListTicketsQuery } from './list-tickets.query.js';

/** Lists tickets newest first with keyset pagination on (created_at, id), tenant first in every index. */
@QueryHandler(ListTicketsQuery)
export class ListTicketsHandler implements IQueryHandler<ListTicketsQuery> {
  constructor(private readonly database: TenantDatabase) {}

  async execute({ principal, filters, limit, cursor: rawCursor }: ListTicketsQuery): Promise<Page<TicketView>> {
    const tenantId = principal.tenantId;
    const cursor = decodeCursor(rawCursor);

    const rows = await this.database.read(tenantId, (manager) => {
      const query = manager
        .getRepository(Ticket)
        .createQueryBuilder('ticket')
        .where('ticket.tenantId = :tenantId', { tenantId })
        .andWhere('ticket.deletedAt IS NULL');
      if (!readsAllTickets(principal)) {
        query.andWhere('ticket.requesterId = :self', { self: principal.actor.id });
      }
      if (filters.status) query.andWhere('ticket.status = :status', { status: filters.status });
      if (filters.domainId) query.andWhere('ticket.domainId = :domainId', { domainId: filters.domainId });
      if (filters.typeCode) query.andWhere('ticket.typeCode = :typeCode', { typeCode: filters.typeCode });
      if (filters.assigneeId) query.andWhere('ticket.assigneeId = :assigneeId', { assigneeId: filters.assigneeId });
      if (filters.requesterId) {
        query.andWhere('ticket.requesterId = :requesterId', { requesterId: filters.requesterId });
      }
      if (filters.q) {
        query.andWhere('ticket.title LIKE :pattern ESCAPE :escape', {
          pattern: `%${filters.q.replace(/[\\%_]/g, (match) => `\\${match}`)}%`,
          escape: '\\',
        });
      }
      if (cursor) {
        const after = new Date(String(cursor.sort));
        query.andWhere(
          new Brackets((keyset) =>
            keyset
              .where('ticket.createdAt < :after', { after })
              .orWhere('(ticket.createdAt = :after AND ticket.id < :afterId)', { afterId: cursor.id }),
          ),
        );
      }
      return query
        .orderBy('ticket.createdAt', 'DESC')
        .addOrderBy('ticket.id', 'DESC')
        .limit(limit + 1)
        .getMany();
    });

    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      data: page.map(toTicketView),
      nextCursor:
        rows.length > limit && last ? encodeCursor({ sort: last.createdAt.toISOString(), id: last.id }) : null,
    };
  }
}
