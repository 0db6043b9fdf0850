import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TenantDatabase, decodeCursor, encodeCursor, type Page } from '#kernel';
import { AuditLogEntry } from '../../domain/audit-log-entry.entity.js';
import { toAuditEntryView, type AuditEntryView } from '../../domain/audit-entry.view.js';
import { ListAuditEntriesQuery } from './list-audit-entries.query.js';

@QueryHandler(ListAuditEntriesQuery)
export class ListAuditEntriesHandler implements IQueryHandler<ListAuditEntriesQuery> {
  constructor(private readonly database: TenantDatabase) {}

  async execute(query: ListAuditEntriesQuery): Promise<Page<AuditEntryView>> {
    const { tenantId, filters, limit, order } = query;
    const cursor = decodeCursor(query.cursor);

    const rows = await this.database.read(tenantId, (manager) => {
      const builder = manager
        .getRepository(AuditLogEntry)
        .createQueryBuilder('entry')
        .where('entry.tenantId = :tenantId', { tenantId });
      if (filters.entityType) builder.andWhere('entry.entityType = :entityType', filters);
      if (filters.entityId) builder.andWhere('entry.entityId = :entityId', filters);
      if (filters.actorId) builder.andWhere('entry.actorId = :actorId', filters);
      if (filters.action) builder.andWhere('entry.action = :action', filters);
      if (filters.subjectId) {
        builder.andWhere('entry.subjectIds LIKE :subjectPattern', {
          subjectPattern: `%${JSON.stringify(filters.subjectId)}%`,
        });
      }
      if (filters.from) builder.andWhere('entry.createdAt >= :from', { from: filters.from.toISOString() });
      if (filters.to) builder.andWhere('entry.createdAt < :to', { to: filters.to.toISOString() });
      if (cursor) {
        builder.andWhere(order === 'desc' ? 'entry.sequence < :after' : 'entry.sequence > :after', {
          after: Number(cursor.sort),
        });
      }
      return builder
        .orderBy('entry.sequence', order === 'desc' ? 'DESC' : 'ASC')
        .limit(limit + 1)
        .getMany();
    });

    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      data: page.map(toAuditEntryView),
      nextCursor: rows.length > limit && last ? encodeCursor({ sort: last.sequence, id: last.id }) : null,
    };
  }
}
