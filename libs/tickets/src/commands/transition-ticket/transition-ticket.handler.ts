import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TenantDatabase } from '#kernel';
import { evaluateTransition } from '../../configuration/index.js';
import { isDoneState } from '../../domain/done-states.js';
import { findVisibleTicket, viewerOf } from '../../domain/ticket-access.js';
import { Ticket } from '../../domain/ticket.entity.js';
import { toTicketView, type TicketView } from '../../domain/ticket.view.js';
import { TicketsException } from '../../domain/tickets.exception.js';
import { assertVersion } from '../../domain/version-check.js';
import { TicketTransitionedEvent } from '../../events/ticket.events.js';
import { DomainCatalog } from '../../infrastructure/domain-catalog.js';
import { TransitionTicketCommand } from './transition-ticket.command.js';

/** Moves a ticket to another workflow state when the domain's transitions and rules allow it. */
@CommandHandler(TransitionTicketCommand)
export class TransitionTicketHandler implements ICommandHandler<TransitionTicketCommand> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly catalog: DomainCatalog,
  ) {}

  async execute({ principal, ticketId, to, expectedVersion }: TransitionTicketCommand): Promise<TicketView> {
    const { tenantId, actor } = principal;
    const configuration = this.catalog.configurationFor(tenantId);

    return this.database.write(tenantId, async (unitOfWork) => {
      const manager = unitOfWork.manager;
      const ticket = await findVisibleTicket(manager, principal, ticketId);
      assertVersion(ticket, expectedVersion);
      const domain = configuration.domains.get(ticket.domainId);
      if (!domain) throw TicketsException.domainNotConfigured(ticket.domainId);

      const now = new Date();
      const decision = evaluateTransition(domain, {
        from: ticket.status,
        to,
        roles: actor.roles,
        ticket: {
          typeCode: ticket.typeCode,
          priority: ticket.priority,
          customFields: ticket.customFields,
          createdAt: ticket.createdAt,
          dueAt: ticket.dueAt,
        },
        now,
      });
      if (!decision.allowed) {
        const reasons = decision.reason === 'rule_failed' ? decision.failedConditions : [];
        throw TicketsException.transitionNotAllowed(ticket.status, to, decision.allowedStates, reasons);
      }

      const from = ticket.status;
      ticket.status = to;
      // Moving between done states (RESOLVED -> CLOSED) keeps the first resolution time.
      ticket.resolvedAt = isDoneState(domain, to) ? (ticket.resolvedAt ?? now) : null;
      ticket.version += 1;
      ticket.updatedAt = now;
      await manager.update(
        Ticket,
        { tenantId, id: ticket.id },
        { status: ticket.status, resolvedAt: ticket.resolvedAt, version: ticket.version, updatedAt: ticket.updatedAt },
      );
      await unitOfWork.emit(new TicketTransitionedEvent(ticket, actor, from, configuration.version));
      return toTicketView(ticket, viewerOf(principal), now);
    });
  }
}
