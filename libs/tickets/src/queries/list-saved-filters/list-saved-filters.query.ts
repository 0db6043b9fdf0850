import { Query } from '@nestjs/cqrs';
import type { SavedFilterView } from '../../domain/saved-filter.view.js';

/** The caller's own saved filters, by name. */
export class ListSavedFiltersQuery extends Query<{ data: SavedFilterView[] }> {
  constructor(
    readonly tenantId: string,
    readonly ownerId: string,
  ) {
    super();
  }
}
