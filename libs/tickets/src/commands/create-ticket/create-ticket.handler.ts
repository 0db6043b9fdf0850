import { CommandHandler, QueryBus, type ICommandHandler } from '@nestjs/cqrs';
import type { QueryDeepPartialEntity } from 'typeorm';
import { ErrorCode, MasalaException, TenantDatabase, insertRows, type Actor } from '#kernel';
import { dueDateFor, type DomainDefinition } from '../../configuration/index.js';
import { isDoneState } from '../../domain/done-states.js';
import { checkAssignee, checkWatchers, domainHandlerRoles } from '../../domain/assignee-check.js';
import { findProjectOrFail } from '../../domain/project-check.js';
import { resolveNewTicket } from '../../domain/new-ticket.js';
import { PRIORITY_RANK, Ticket } from '../../domain/ticket.entity.js';
import { toTicketView, type TicketView } from '../../domain/ticket.view.js';
import { TicketCreatedEvent } from '../../events/ticket.events.js';
import { DomainCatalog } from '../../infrastructure/domain-catalog.js';
import { TicketSearchIndex } from '../../infrastructure/search/ticket-search-index.js';
import { addTicketTags } from '../../infrastructure/ticket-tags.js';
import { CreateTicketCommand } from './create-ticket.command.js';

export { DEFAULT_TYPE_CODE } from '../../domain/ticket-type.js';

@CommandHandler(CreateTicketCommand)
export class CreateTicketHandler implements ICommandHandler<CreateTicketCommand> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly catalog: DomainCatalog,
    private readonly queries: QueryBus,
    private readonly search: TicketSearchIndex,
  ) {}

  async execute({ tenantId, actor, input }: CreateTicketCommand): Promise<TicketView> {
    const configuration = this.catalog.configurationFor(tenantId);
    const { domain, typeCode, priority, customFields, tags } = resolveNewTicket(configuration, input);
    const handlerRoles = domainHandlerRoles(domain);
    if (input.assigneeId) await checkAssignee(this.queries, tenantId, input.assigneeId, handlerRoles);
    const watcherIds = [...new Set(input.watcherIds ?? [])];
    await checkWatchers(this.queries, tenantId, watcherIds, handlerRoles);
    const status = this.initialStatus(domain, input.status, actor);

    const now = new Date();
    const ticket = Object.assign(new Ticket(), {
      tenantId,
      id: crypto.randomUUID(),
      domainId: domain.id,
      typeCode,
      status,
      title: input.title.trim(),
      description: input.description,
      priority,
      priorityRank: PRIORITY_RANK[priority],
      customFields,
      requesterId: input.requesterId ?? actor.id,
      assigneeId: input.assigneeId ?? null,
      projectId: input.projectId ?? null,
      tags,
      watcherIds,
      commentCount: 0,
      publicCommentCount: 0,
      externalRef: input.externalRef ?? null,
      configVersion: configuration.version,
      version: 1,
      dueAt: input.dueAt ? new Date(input.dueAt) : dueDateFor(domain, typeCode, now),
      resolvedAt: isDoneState(domain, status) ? now : null,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    });

    await this.database.write(tenantId, async (unitOfWork) => {
      const manager = unitOfWork.manager;
      if (ticket.projectId) await findProjectOrFail(manager, tenantId, ticket.projectId);
      if (ticket.externalRef && (await manager.exists(Ticket, { where: { tenantId, externalRef: ticket.externalRef } }))) {
        throw new MasalaException(ErrorCode.Conflict, 'A ticket with this external reference exists already', {
          errors: [{ field: 'externalRef', rule: 'unique', message: 'externalRef must be unique within the tenant' }],
        });
      }
      await insertRows(manager, Ticket, ticket as QueryDeepPartialEntity<Ticket>);
      await addTicketTags(manager, ticket);
      await this.search.indexTicket(manager, ticket, { created: true });
      await unitOfWork.emit(new TicketCreatedEvent(ticket, actor));
    });
    return toTicketView(ticket, { seesInternalComments: false }, now);
  }

  /** Returns the initial state, or for imports by system actors a named state of the workflow. */
  private initialStatus(domain: DomainDefinition, requested: string | undefined, actor: Actor): string {
    if (requested === undefined) return domain.workflow.initialState;
    if (actor.type !== 'system') {
      throw new MasalaException(ErrorCode.Forbidden, 'Only operator imports may create a ticket in another state than the initial one');
    }
    if (!domain.workflow.states.some((state) => state.code === requested)) {
      const known = domain.workflow.states.map((state) => state.code).join(', ');
      throw MasalaException.validation([
        { field: 'status', rule: 'state', message: `status "${requested}" is not a state of domain ${domain.id}; use one of ${known}` },
      ]);
    }
    return requested;
  }
}
