import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TenantDatabase, type Page } from '#kernel';
import { AuditLogEntry } from '../../domain/audit-log-entry.entity.js';
import { decodeSequenceCursor, encodeSequenceCursor } from '../../domain/sequence-cursor.js';
import { toAuditEntryView, type AuditEntryView } from '../../domain/audit-entry.view.js';
import { likePattern } from '../../infrastructure/like-pattern.js';
import { ListAuditEntriesQuery } from './list-audit-entries.query.js';

@QueryHandler(ListAuditEntriesQuery)
export class ListAuditEntriesHandler implements IQueryHandler<ListAuditEntriesQuery> {
  constructor(private readonly database: TenantDatabase) {}

  async execute(query: ListAuditEntriesQuery): Promise<Page<AuditEntryView>> {
    const { tenantId, filters, limit, order } = query;
    const after = decodeSequenceCursor(query.cursor);

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
        builder.andWhere("entry.subjectIds LIKE :subjectPattern ESCAPE '\\'", {
          subjectPattern: likePattern(JSON.stringify(filters.subjectId)),
        });
      }
      if (filters.from)
        builder.andWhere('entry.createdAt >= :from', { from: filters.from.toISOString() });
      if (filters.to) builder.andWhere('entry.createdAt < :to', { to: filters.to.toISOString() });
      if (after !== undefined) {
        builder.andWhere(order === 'desc' ? 'entry.sequence < :after' : 'entry.sequence > :after', {
          after,
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
      nextCursor: rows.length > limit && last ? encodeSequenceCursor(last) : null,
    };
  }
}
