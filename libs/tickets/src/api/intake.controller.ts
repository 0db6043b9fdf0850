import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import { CurrentPrincipal, RequirePermission, type Principal } from '#kernel';
import { CreateExternalTicketCommand } from '../commands/create-external-ticket/create-external-ticket.command.js';
import type { TicketView } from '../domain/ticket.view.js';
import { ExternalTicketDto } from './intake.dto.js';

/**
 * Ticket intake for integrations: API keys with the `intake` permission create tickets for a
 * requester named by e-mail. Responds 201 for a new ticket and 200 when `externalRef` matched one.
 */
@Controller(['tickets/external', 'work-items/external'])
export class IntakeController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @RequirePermission('intake')
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: ExternalTicketDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TicketView & { requester: { id: string; created: boolean } }> {
    const result = await this.commands.execute(new CreateExternalTicketCommand(principal, body));
    response.status(result.created ? 201 : 200);
    response.location(`/api/v1/tickets/${result.ticket.id}`).setHeader('ETag', `"${result.ticket.version}"`);
    return { ...result.ticket, requester: result.requester };
  }
}
