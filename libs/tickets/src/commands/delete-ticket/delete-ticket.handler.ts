import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TenantDatabase } from '#kernel';
import { assertPermission, findVisibleTicket } from '../../domain/ticket-access.js';
import { Ticket } from '../../domain/ticket.entity.js';
import { assertVersion } from '../../domain/version-check.js';
import { TicketDeletedEvent } from '../../events/ticket.events.js';
import { DomainCatalog } from '../../infrastructure/domain-catalog.js';
import { DeleteTicketCommand } from './delete-ticket.command.js';

/**
 * Soft-deletes a ticket the caller can see. The HTTP route already requires `tickets.delete`, and
 * the handler checks it again so that the command stays safe for any other caller.
 */
@CommandHandler(DeleteTicketCommand)
export class DeleteTicketHandler implements ICommandHandler<DeleteTicketCommand> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly catalog: DomainCatalog,
  ) {}

  async execute({ principal, ticketId, expectedVersion }: DeleteTicketCommand): Promise<void> {
    const { tenantId, actor } = principal;
    const configuration = this.catalog.configurationFor(tenantId);

    await this.database.write(tenantId, async (unitOfWork) => {
      const manager = unitOfWork.manager;
      const ticket = await findVisibleTicket(manager, principal, ticketId);
      assertPermission(principal, 'tickets.delete', 'delete tickets');
      assertVersion(ticket, expectedVersion);

      const now = new Date();
      Object.assign(ticket, { deletedAt: now, version: ticket.version + 1, updatedAt: now });
      await manager.update(
        Ticket,
        { tenantId, id: ticket.id },
        { deletedAt: now, version: ticket.version, updatedAt: now },
      );
      await unitOfWork.emit(new TicketDeletedEvent(ticket, actor, configuration.version));
    });
  }
}
