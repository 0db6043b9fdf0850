import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EnsureRequesterCommand, TenantDatabase } from '#kernel';
import { resolveNewTicket } from '../../domain/new-ticket.js';
import { Ticket } from '../../domain/ticket.entity.js';
import { toTicketView } from '../../domain/ticket.view.js';
import { DomainCatalog } from '../../infrastructure/domain-catalog.js';
import { CreateTicketCommand } from '../create-ticket/create-ticket.command.js';
import { CreateExternalTicketCommand, type ExternalTicketResult } from './create-external-ticket.command.js';

/**
 * Intake: validates the ticket first, so a rejected request creates no account, then finds or
 * creates the requester through the identity context (EnsureRequesterCommand) and creates the
 * ticket for them. Only Customer accounts can be requesters: an address of an agent, admin or
 * officer is rejected with 409, so an API key cannot file tickets in a staff member's name.
 * A repeated request with the same `externalRef` returns the existing ticket.
 */
@CommandHandler(CreateExternalTicketCommand)
export class CreateExternalTicketHandler implements ICommandHandler<CreateExternalTicketCommand> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly catalog: DomainCatalog,
    private readonly commands: CommandBus,
  ) {}

  async execute({ principal, input }: CreateExternalTicketCommand): Promise<ExternalTicketResult> {
    const { tenantId, actor } = principal;
    resolveNewTicket(this.catalog.configurationFor(tenantId), input);

    if (input.externalRef !== undefined) {
      const existing = await this.database.read(tenantId, (manager) =>
        manager.findOne(Ticket, { where: { tenantId, externalRef: input.externalRef } }),
      );
      if (existing && existing.deletedAt === null) {
        const ticket = toTicketView(existing, { seesInternalComments: false });
        return { ticket, created: false, requester: { id: existing.requesterId, created: false } };
      }
    }

    const requester = await this.commands.execute(
      new EnsureRequesterCommand(tenantId, actor, {
        email: input.email,
        displayName: input.name,
        customersOnly: true,
      }),
    );
    const ticket = await this.commands.execute(
      new CreateTicketCommand(tenantId, actor, {
        title: input.title,
        description: input.description,
        domainId: input.domainId,
        typeCode: input.typeCode,
        customFields: input.customFields,
        requesterId: requester.userId,
        externalRef: input.externalRef,
      }),
    );
    return { ticket, created: true, requester: { id: requester.userId, created: requester.created } };
  }
}
