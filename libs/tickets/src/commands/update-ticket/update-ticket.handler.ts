import { CommandHandler, QueryBus, type ICommandHandler } from '@nestjs/cqrs';
import type { QueryDeepPartialEntity } from 'typeorm';
import { MasalaException, TenantDatabase } from '#kernel';
import { checkAssignee, checkWatchers, domainHandlerRoles } from '../../domain/assignee-check.js';
import { findProjectOrFail } from '../../domain/project-check.js';
import { findVisibleTicket, viewerOf } from '../../domain/ticket-access.js';
import { computeTicketChanges } from '../../domain/ticket-changes.js';
import { Ticket } from '../../domain/ticket.entity.js';
import { toTicketView, type TicketView } from '../../domain/ticket.view.js';
import { TicketsException } from '../../domain/tickets.exception.js';
import { assertVersion } from '../../domain/version-check.js';
import { TicketAssignedEvent, TicketUpdatedEvent } from '../../events/ticket.events.js';
import { DomainCatalog } from '../../infrastructure/domain-catalog.js';
import { TicketSearchIndex } from '../../infrastructure/search/ticket-search-index.js';
import { replaceTicketTags } from '../../infrastructure/ticket-tags.js';
import { UpdateTicketCommand } from './update-ticket.command.js';

/**
 * Applies a partial update. The audit event lists old and new values of the changed fields
 * only; an assignee change is recorded as its own `ticket.assigned` event. An update that
 * changes nothing keeps the version and records nothing.
 */
@CommandHandler(UpdateTicketCommand)
export class UpdateTicketHandler implements ICommandHandler<UpdateTicketCommand> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly catalog: DomainCatalog,
    private readonly queries: QueryBus,
    private readonly search: TicketSearchIndex,
  ) {}

  async execute({ principal, ticketId, changes, expectedVersion }: UpdateTicketCommand): Promise<TicketView> {
    const { tenantId, actor } = principal;
    const configuration = this.catalog.configurationFor(tenantId);

    return this.database.write(tenantId, async (unitOfWork) => {
      const manager = unitOfWork.manager;
      const ticket = await findVisibleTicket(manager, principal, ticketId);
      assertVersion(ticket, expectedVersion);
      const domain = configuration.domains.get(ticket.domainId);
      if (!domain) throw TicketsException.domainNotConfigured(ticket.domainId);

      const { next, previous, errors } = computeTicketChanges(ticket, changes, domain);
      if (errors.length > 0) throw MasalaException.validation(errors);
      const handlerRoles = domainHandlerRoles(domain);
      if (next.assigneeId) await checkAssignee(this.queries, tenantId, next.assigneeId, handlerRoles);
      if (next.watcherIds) await checkWatchers(this.queries, tenantId, next.watcherIds, handlerRoles);
      if (next.projectId) await findProjectOrFail(manager, tenantId, next.projectId);
      if (Object.keys(next).length === 0) return toTicketView(ticket, viewerOf(principal));

      const previousAssigneeId = ticket.assigneeId;
      const now = new Date();
      Object.assign(ticket, next, { version: ticket.version + 1, updatedAt: now });
      await manager.update(Ticket, { tenantId, id: ticket.id }, {
        ...next,
        version: ticket.version,
        updatedAt: now,
      } as QueryDeepPartialEntity<Ticket>);
      if (next.tags) await replaceTicketTags(manager, ticket);
      if (next.title !== undefined || next.description !== undefined) await this.search.indexTicket(manager, ticket);

      const { assigneeId: _newAssignee, priorityRank: _rank, ...changed } = next;
      const { assigneeId: _oldAssignee, ...before } = previous;
      if (Object.keys(changed).length > 0) {
        await unitOfWork.emit(new TicketUpdatedEvent(ticket, actor, { old: before, new: changed }, configuration.version));
      }
      if (next.assigneeId !== undefined) {
        await unitOfWork.emit(new TicketAssignedEvent(ticket, actor, previousAssigneeId, configuration.version));
      }
      return toTicketView(ticket, viewerOf(principal), now);
    });
  }
}
