import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CurrentPrincipal, ErrorCode, RequirePermission, type Principal, uuidParam } from '#kernel';
import {
  RedactTicketCommand,
  type RedactionReport,
} from '../commands/redact-ticket/redact-ticket.command.js';
import { ComplianceException } from '../domain/compliance.exception.js';

const ticketId = uuidParam(() => new ComplianceException(ErrorCode.NotFound, 'Ticket not found'));

@Controller(['tickets', 'work-items'])
export class TicketRedactionsController {
  constructor(private readonly commands: CommandBus) {}

  /** Replaces the personal data the scrubber detects in the ticket's free text; audited. */
  @Post(':id/redactions')
  @HttpCode(200)
  @RequirePermission('compliance.erase')
  redact(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ticketId) id: string,
  ): Promise<RedactionReport> {
    return this.commands.execute(new RedactTicketCommand(principal.tenantId, principal.actor, id));
  }
}
