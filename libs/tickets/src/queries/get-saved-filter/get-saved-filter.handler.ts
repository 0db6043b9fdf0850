import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TenantDatabase } from '#kernel';
import { findOwnSavedFilter } from '../../domain/saved-filter-access.js';
import { toSavedFilterView, type SavedFilterView } from '../../domain/saved-filter.view.js';
import { GetSavedFilterQuery } from './get-saved-filter.query.js';

@QueryHandler(GetSavedFilterQuery)
export class GetSavedFilterHandler implements IQueryHandler<GetSavedFilterQuery> {
  constructor(private readonly database: TenantDatabase) {}

  async execute({ tenantId, ownerId, filterId }: GetSavedFilterQuery): Promise<SavedFilterView> {
    const filter = await this.database.read(tenantId, (manager) => findOwnSavedFilter(manager, tenantId, ownerId, filterId));
    return toSavedFilterView(filter);
  }
}
