import { Query } from '@nestjs/cqrs';
import type { SavedFilterView } from '../../domain/saved-filter.view.js';

export class GetSavedFilterQuery extends Query<SavedFilterView> {
  constructor(
    readonly tenantId: string,
    readonly ownerId: string,
    readonly filterId: string,
  ) {
    super();
  }
}
