import { Command } from '@nestjs/cqrs';
import type { Actor } from '#kernel';
import type { TicketPriority } from '../../domain/ticket.entity.js';
import type { TicketView } from '../../domain/ticket.view.js';

export interface CreateTicketInput {
  title: string;
  description: string;
  domainId?: string;
  typeCode?: string;
  priority?: TicketPriority;
  customFields?: Record<string, unknown>;
  assigneeId?: string;
  projectId?: string;
  tags?: string[];
  watcherIds?: string[];
  /** Defaults to the actor; set by intake routes that create tickets on behalf of a requester. */
  requesterId?: string;
  /** Identifier in a source system; a second ticket with the same reference is a conflict. */
  externalRef?: string;
  /** ISO 8601 due date in place of the one from the type's SLA. */
  dueAt?: string;
  /** Workflow state other than the initial one; only system actors (imports) may set it. */
  status?: string;
}

export class CreateTicketCommand extends Command<TicketView> {
  constructor(
    readonly tenantId: string,
    readonly actor: Actor,
    readonly input: CreateTicketInput,
  ) {
    super();
  }
}
