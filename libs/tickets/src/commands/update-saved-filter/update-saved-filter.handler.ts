import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Not } from 'typeorm';
import { TenantDatabase } from '#kernel';
import { findOwnSavedFilter } from '../../domain/saved-filter-access.js';
import { SavedFilter } from '../../domain/saved-filter.entity.js';
import { toSavedFilterView, type SavedFilterView } from '../../domain/saved-filter.view.js';
import { TicketsException } from '../../domain/tickets.exception.js';
import { assertVersion } from '../../domain/version-check.js';
import { SavedFilterUpdatedEvent } from '../../events/saved-filter.events.js';
import { UpdateSavedFilterCommand } from './update-saved-filter.command.js';

@CommandHandler(UpdateSavedFilterCommand)
export class UpdateSavedFilterHandler implements ICommandHandler<UpdateSavedFilterCommand> {
  constructor(private readonly database: TenantDatabase) {}

  async execute({ tenantId, actor, filterId, changes, expectedVersion }: UpdateSavedFilterCommand): Promise<SavedFilterView> {
    return this.database.write(tenantId, async (unitOfWork) => {
      const manager = unitOfWork.manager;
      const filter = await findOwnSavedFilter(manager, tenantId, actor.id, filterId);
      assertVersion(filter, expectedVersion);

      const name = changes.name?.trim();
      if (name !== undefined && name !== filter.name) {
        const taken = await manager.exists(SavedFilter, { where: { tenantId, ownerId: actor.id, name, id: Not(filter.id) } });
        if (taken) throw TicketsException.savedFilterNameTaken(name);
      }
      const previous = { name: filter.name, criteria: filter.criteria };
      const next = { name: name ?? filter.name, criteria: changes.criteria ?? filter.criteria };
      if (next.name === previous.name && JSON.stringify(next.criteria) === JSON.stringify(previous.criteria)) {
        return toSavedFilterView(filter);
      }

      const now = new Date();
      Object.assign(filter, next, { version: filter.version + 1, updatedAt: now });
      await manager.update(SavedFilter, { tenantId, id: filter.id }, { ...next, version: filter.version, updatedAt: now });
      await unitOfWork.emit(new SavedFilterUpdatedEvent(filter, actor, { old: previous, new: next }));
      return toSavedFilterView(filter);
    });
  }
}
