import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TenantDatabase } from '#kernel';
import { findOwnSavedFilter } from '../../domain/saved-filter-access.js';
import { SavedFilter } from '../../domain/saved-filter.entity.js';
import { SavedFilterDeletedEvent } from '../../events/saved-filter.events.js';
import { DeleteSavedFilterCommand } from './delete-saved-filter.command.js';

@CommandHandler(DeleteSavedFilterCommand)
export class DeleteSavedFilterHandler implements ICommandHandler<DeleteSavedFilterCommand> {
  constructor(private readonly database: TenantDatabase) {}

  async execute({ tenantId, actor, filterId }: DeleteSavedFilterCommand): Promise<void> {
    await this.database.write(tenantId, async (unitOfWork) => {
      const filter = await findOwnSavedFilter(unitOfWork.manager, tenantId, actor.id, filterId);
      await unitOfWork.manager.delete(SavedFilter, { tenantId, id: filter.id });
      await unitOfWork.emit(new SavedFilterDeletedEvent(filter, actor));
    });
  }
}
