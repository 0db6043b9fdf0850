import { Query } from '@nestjs/cqrs';
import type { Page } from '#kernel';
import type { AuditEntryView } from '../../domain/audit-entry.view.js';

export interface AuditFilters {
  entityType?: string;
  entityId?: string;
  actorId?: string;
  action?: string;
  subjectId?: string;
  from?: Date;
  to?: Date;
}

export class ListAuditEntriesQuery extends Query<Page<AuditEntryView>> {
  constructor(
    readonly tenantId: string,
    readonly filters: AuditFilters,
    readonly limit: number,
    readonly cursor?: string,
    readonly order: 'asc' | 'desc' = 'desc',
  ) {
    super();
  }
}
