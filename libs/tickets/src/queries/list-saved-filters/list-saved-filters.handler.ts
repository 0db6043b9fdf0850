import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TenantDatabase } from '#kernel';
import { SavedFilter } from '../../domain/saved-filter.entity.js';
import { toSavedFilterView, type SavedFilterView } from '../../domain/saved-filter.view.js';
import { ListSavedFiltersQuery } from './list-saved-filters.query.js';

@QueryHandler(ListSavedFiltersQuery)
export class ListSavedFiltersHandler implements IQueryHandler<ListSavedFiltersQuery> {
  constructor(private readonly database: TenantDatabase) {}

  async execute({ tenantId, ownerId }: ListSavedFiltersQuery): Promise<{ data: SavedFilterView[] }> {
    const filters = await this.database.read(tenantId, (manager) =>
      manager.find(SavedFilter, { where: { tenantId, ownerId }, order: { name: 'ASC' } }),
    );
    return { data: filters.map(toSavedFilterView) };
  }
}
