import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { QueryDeepPartialEntity } from 'typeorm';
import { ErrorCode, MasalaException, TenantDatabase } from '#kernel';
import { SavedFilter } from '../../domain/saved-filter.entity.js';
import { toSavedFilterView, type SavedFilterView } from '../../domain/saved-filter.view.js';
import { TicketsException } from '../../domain/tickets.exception.js';
import { SavedFilterCreatedEvent } from '../../events/saved-filter.events.js';
import { CreateSavedFilterCommand } from './create-saved-filter.command.js';

export const MAX_SAVED_FILTERS_PER_USER = 100;

@CommandHandler(CreateSavedFilterCommand)
export class CreateSavedFilterHandler implements ICommandHandler<CreateSavedFilterCommand> {
  constructor(private readonly database: TenantDatabase) {}

  async execute({ tenantId, actor, input }: CreateSavedFilterCommand): Promise<SavedFilterView> {
    return this.database.write(tenantId, async (unitOfWork) => {
      const manager = unitOfWork.manager;
      const name = input.name.trim();
      if (await manager.exists(SavedFilter, { where: { tenantId, ownerId: actor.id, name } })) {
        throw TicketsException.savedFilterNameTaken(name);
      }
      if ((await manager.count(SavedFilter, { where: { tenantId, ownerId: actor.id } })) >= MAX_SAVED_FILTERS_PER_USER) {
        throw new MasalaException(
          ErrorCode.Conflict,
          `You have ${MAX_SAVED_FILTERS_PER_USER} saved filters, the maximum; delete one before saving another`,
        );
      }
      const now = new Date();
      const filter = Object.assign(new SavedFilter(), {
        tenantId,
        id: crypto.randomUUID(),
        ownerId: actor.id,
        name,
        criteria: input.criteria,
        version: 1,
        createdAt: now,
        updatedAt: now,
      });
      await manager.insert(SavedFilter, filter as QueryDeepPartialEntity<SavedFilter>);
      await unitOfWork.emit(new SavedFilterCreatedEvent(filter, actor));
      return toSavedFilterView(filter);
    });
  }
}
