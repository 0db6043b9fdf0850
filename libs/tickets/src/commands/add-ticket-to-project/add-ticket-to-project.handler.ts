import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { MasalaException, TenantDatabase } from '#kernel';
import { Project } from '../../domain/project.entity.js';
import { toProjectView, type ProjectView } from '../../domain/project.view.js';
import { Ticket } from '../../domain/ticket.entity.js';
import { canReadTicket } from '../../domain/ticket-access.js';
import { TicketsException } from '../../domain/tickets.exception.js';
import { ProjectTicketAddedEvent } from '../../events/project.events.js';
import { TicketUpdatedEvent } from '../../events/ticket.events.js';
import { DomainCatalog } from '../../infrastructure/domain-catalog.js';
import { countProjectTickets } from '../../infrastructure/project-counts.js';
import { AddTicketToProjectCommand } from './add-ticket-to-project.command.js';

/**
 * Adds a ticket to a project. The ticket gets a new version and a `ticket.updated` event with
 * the project change, and the project a `project.ticket_added` event. Adding a ticket that is
 * in the project already changes nothing.
 */
@CommandHandler(AddTicketToProjectCommand)
export class AddTicketToProjectHandler implements ICommandHandler<AddTicketToProjectCommand> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly catalog: DomainCatalog,
  ) {}

  async execute({ principal, projectId, ticketId }: AddTicketToProjectCommand): Promise<ProjectView> {
    const { tenantId, actor } = principal;
    const configuration = this.catalog.configurationFor(tenantId);

    return this.database.write(tenantId, async (unitOfWork) => {
      const manager = unitOfWork.manager;
      const project = await manager.findOne(Project, { where: { tenantId, id: projectId } });
      if (!project) throw TicketsException.projectNotFound();
      const ticket = await manager.findOne(Ticket, { where: { tenantId, id: ticketId } });
      if (!ticket || !canReadTicket(principal, ticket)) {
        throw MasalaException.validation([
          { field: 'ticketId', rule: 'ticket', message: 'ticketId must name a ticket of this tenant' },
        ]);
      }

      if (ticket.projectId !== project.id) {
        const previousProjectId = ticket.projectId;
        const now = new Date();
        Object.assign(ticket, { projectId: project.id, version: ticket.version + 1, updatedAt: now });
        await manager.update(
          Ticket,
          { tenantId, id: ticket.id },
          { projectId: project.id, version: ticket.version, updatedAt: now },
        );
        const changes = { old: { projectId: previousProjectId }, new: { projectId: project.id } };
        await unitOfWork.emit(new TicketUpdatedEvent(ticket, actor, changes, configuration.version));
        await unitOfWork.emit(new ProjectTicketAddedEvent(project, ticket.id, previousProjectId, actor));
      }
      const counts = await countProjectTickets(manager, tenantId, [project.id], configuration.domains);
      return toProjectView(project, counts.get(project.id)!);
    });
  }
}
