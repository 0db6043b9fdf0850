import { DomainEvent, type Actor, type ChangeSet } from '#kernel';
import type { SavedFilter } from '../domain/saved-filter.entity.js';

abstract class SavedFilterEvent extends DomainEvent {
  constructor(filter: SavedFilter, actor: Actor, changes: ChangeSet) {
    super(filter.tenantId, actor, 'saved_filter', filter.id, changes, {
      subjectIds: [filter.ownerId],
      personalFields: ['name', 'criteria'],
    });
  }
}

export class SavedFilterCreatedEvent extends SavedFilterEvent {
  readonly action = 'saved_filter.created';

  constructor(filter: SavedFilter, actor: Actor) {
    super(filter, actor, { new: { name: filter.name, criteria: filter.criteria } });
  }
}

export class SavedFilterUpdatedEvent extends SavedFilterEvent {
  readonly action = 'saved_filter.updated';
}

export class SavedFilterDeletedEvent extends SavedFilterEvent {
  readonly action = 'saved_filter.deleted';

  constructor(filter: SavedFilter, actor: Actor) {
    super(filter, actor, { old: { name: filter.name, criteria: filter.criteria } });
  }
}
