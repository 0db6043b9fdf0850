import { Command } from '@nestjs/cqrs';
import type { Principal } from '#kernel';
import type { TicketView } from '../../domain/ticket.view.js';

export interface ExternalTicketInput {
  title: string;
  description: string;
  /**
   * E-mail address of the person the ticket is for. An unknown one gets a Customer account, and
   * one of an account that is not a Customer is rejected.
   */
  email: string;
  name?: string;
  domainId?: string;
  typeCode?: string;
  customFields?: Record<string, unknown>;
  /** The integration's own id for the ticket; a repeated request with it returns the first ticket. */
  externalRef?: string;
}

export interface ExternalTicketResult {
  ticket: TicketView;
  /** False when `externalRef` named a ticket that exists already. */
  created: boolean;
  requester: { id: string; created: boolean };
}

/** Creates a ticket on behalf of a requester, for integrations that hold the `intake` permission. */
export class CreateExternalTicketCommand extends Command<ExternalTicketResult> {
  constructor(
    readonly principal: Principal,
    readonly input: ExternalTicketInput,
  ) {
    super();
  }
}
