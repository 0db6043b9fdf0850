import { Command } from '@nestjs/cqrs';
import type { Actor } from '#kernel';
import type { SavedCriteria } from '../../domain/saved-filter.entity.js';
import type { SavedFilterView } from '../../domain/saved-filter.view.js';

export class CreateSavedFilterCommand extends Command<SavedFilterView> {
  constructor(
    readonly tenantId: string,
    readonly actor: Actor,
    readonly input: { name: string; criteria: SavedCriteria },
  ) {
    super();
  }
}
