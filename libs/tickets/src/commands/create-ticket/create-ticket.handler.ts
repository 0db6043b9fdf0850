import { CommandHandler, QueryBus, type ICommandHandler } from '@nestjs/cqrs';
import type { QueryDeepPartialEntity } from 'typeorm';
import { MasalaException, TenantDatabase } from '#kernel';
import { dueDateFor, normalizeCustomFieldValues } from '../../configuration/index.js';
import { checkAssignee, checkWatchers, domainHandlerRoles } from '../../domain/assignee-check.js';
import { findProjectOrFail } from '../../domain/project-check.js';
import { normalizeTags } from '../../domain/tags.js';
import { PRIORITY_RANK, Ticket } from '../../domain/ticket.entity.js';
import { requireDomain, resolveTypeCode } from '../../domain/ticket-type.js';
import { toTicketView, type TicketView } from '../../domain/ticket.view.js';
import { TicketCreatedEvent } from '../../events/ticket.events.js';
import { DomainCatalog } from '../../infrastructure/domain-catalog.js';
import { TicketSearchIndex } from '../../infrastructure/search/ticket-search-index.js';
import { replaceTicketTags } from '../../infrastructure/ticket-tags.js';
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
    const domain = requireDomain(configuration.domains, input.domainId ?? configuration.global.defaultDomain);
    const typeCode = resolveTypeCode(domain, input.typeCode);
    const priority = input.priority ?? 'normal';
    const fields = normalizeCustomFieldValues(domain, { typeCode, priority, values: input.customFields });
    const tags = normalizeTags(input.tags ?? []);
    const errors = [...fields.violations, ...tags.errors];
    if (errors.length > 0) throw MasalaException.validation(errors);
    const handlerRoles = domainHandlerRoles(domain);
    if (input.assigneeId) await checkAssignee(this.queries, tenantId, input.assigneeId, handlerRoles);
    const watcherIds = [...new Set(input.watcherIds ?? [])];
    await checkWatchers(this.queries, tenantId, watcherIds, handlerRoles);

    const now = new Date();
    const ticket = Object.assign(new Ticket(), {
      tenantId,
      id: crypto.randomUUID(),
      domainId: domain.id,
      typeCode,
      status: domain.workflow.initialState,
      title: input.title.trim(),
      description: input.description,
      priority,
      priorityRank: PRIORITY_RANK[priority],
      customFields: fields.values,
      requesterId: input.requesterId ?? actor.id,
      assigneeId: input.assigneeId ?? null,
      projectId: input.projectId ?? null,
      tags: tags.tags,
      watcherIds,
      commentCount: 0,
      publicCommentCount: 0,
      externalRef: input.externalRef ?? null,
      configVersion: configuration.version,
      version: 1,
      dueAt: dueDateFor(domain, typeCode, now),
      resolvedAt: null,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    });

    await this.database.write(tenantId, async (unitOfWork) => {
      const manager = unitOfWork.manager;
      if (ticket.projectId) await findProjectOrFail(manager, tenantId, ticket.projectId);
      await manager.insert(Ticket, ticket as QueryDeepPartialEntity<Ticket>);
      await replaceTicketTags(manager, ticket);
      await this.search.indexTicket(manager, ticket);
      await unitOfWork.emit(new TicketCreatedEvent(ticket, actor));
    });
    return toTicketView(ticket, { seesInternalComments: false }, now);
  }
}
