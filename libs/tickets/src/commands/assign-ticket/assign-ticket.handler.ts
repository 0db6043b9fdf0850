import { CommandHandler, QueryBus, type ICommandHandler } from '@nestjs/cqrs';
import { TenantDatabase } from '#kernel';
import { checkAssignee, domainHandlerRoles } from '../../domain/assignee-check.js';
import { findVisibleTicket, viewerOf } from '../../domain/ticket-access.js';
import { Ticket } from '../../domain/ticket.entity.js';
import { toTicketView, type TicketView } from '../../domain/ticket.view.js';
import { TicketsException } from '../../domain/tickets.exception.js';
import { assertVersion } from '../../domain/version-check.js';
import { TicketAssignedEvent } from '../../events/ticket.events.js';
import { DomainCatalog } from '../../infrastructure/domain-catalog.js';
import { AssignTicketCommand } from './assign-ticket.command.js';

@CommandHandler(AssignTicketCommand)
export class AssignTicketHandler implements ICommandHandler<AssignTicketCommand> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly catalog: DomainCatalog,
    private readonly queries: QueryBus,
  ) {}

  async execute({ principal, ticketId, assigneeId, expectedVersion }: AssignTicketCommand): Promise<TicketView> {
    const { tenantId, actor } = principal;
    const configuration = this.catalog.configurationFor(tenantId);

    return this.database.write(tenantId, async (unitOfWork) => {
      const manager = unitOfWork.manager;
      const ticket = await findVisibleTicket(manager, principal, ticketId);
      assertVersion(ticket, expectedVersion);
      const domain = configuration.domains.get(ticket.domainId);
      if (!domain) throw TicketsException.domainNotConfigured(ticket.domainId);
      if (assigneeId !== null) await checkAssignee(this.queries, tenantId, assigneeId, domainHandlerRoles(domain));
      if (ticket.assigneeId === assigneeId) return toTicketView(ticket, viewerOf(principal));

      const previousAssigneeId = ticket.assigneeId;
      const now = new Date();
      Object.assign(ticket, { assigneeId, version: ticket.version + 1, updatedAt: now });
      await manager.update(
        Ticket,
        { tenantId, id: ticket.id },
        { assigneeId, version: ticket.version, updatedAt: now },
      );
      await unitOfWork.emit(new TicketAssignedEvent(ticket, actor, previousAssigneeId, configuration.version));
      return toTicketView(ticket, viewerOf(principal), now);
    });
  }
}
