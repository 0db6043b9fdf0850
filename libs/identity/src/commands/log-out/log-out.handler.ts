import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TenantDatabase } from '#kernel';
import { User } from '../../domain/user.entity.js';
import { LoggedOutEvent } from '../../events/identity.events.js';
import { endAllSessions } from '../../infrastructure/sessions.js';
import { LogOutCommand } from './log-out.command.js';

/** Ends every session of the caller: bumps the token version and revokes all refresh tokens. */
@CommandHandler(LogOutCommand)
export class LogOutHandler implements ICommandHandler<LogOutCommand> {
  constructor(private readonly database: TenantDatabase) {}

  async execute({ tenantId, actor }: LogOutCommand): Promise<void> {
    await this.database.write(tenantId, async (unitOfWork) => {
      const manager = unitOfWork.manager;
      const user = await manager.findOneOrFail(User, { where: { tenantId, id: actor.id } });
      await endAllSessions(manager, user);
      await manager.save(user);
      await unitOfWork.emit(new LoggedOutEvent(tenantId, actor, user.id, { new: { tokenVersion: user.tokenVersion } }));
    });
  }
}
