import { Command } from '@nestjs/cqrs';
import type { Actor, ExpectedVersion } from '#kernel';
import type { SavedCriteria } from '../../domain/saved-filter.entity.js';
import type { SavedFilterView } from '../../domain/saved-filter.view.js';

/** Renames a saved filter or replaces its criteria as a whole. */
export class UpdateSavedFilterCommand extends Command<SavedFilterView> {
  constructor(
    readonly tenantId: string,
    readonly actor: Actor,
    readonly filterId: string,
    readonly changes: { name?: string; criteria?: SavedCriteria },
    readonly expectedVersion?: ExpectedVersion,
  ) {
    super();
  }
}
