import { CommandHandler, QueryBus, type ICommandHandler } from '@nestjs/cqrs';
import type { QueryDeepPartialEntity } from 'typeorm';
import { MasalaException, TenantDatabase, type FieldError } from '#kernel';
import { dueDateFor, normalizeCustomFieldValues, type DomainDefinition } from '../../configuration/index.js';
import { checkAssignee } from '../../domain/assignee-check.js';
import { Ticket } from '../../domain/ticket.entity.js';
import { toTicketView, type TicketView } from '../../domain/ticket.view.js';
import { TicketCreatedEvent } from '../../events/ticket.events.js';
import { DomainCatalog } from '../../infrastructure/domain-catalog.js';
import { CreateTicketCommand } from './create-ticket.command.js';

/** Work item type used when a domain defines none. */
export const DEFAULT_TYPE_CODE = 'DEFAULT';

@CommandHandler(CreateTicketCommand)
export class CreateTicketHandler implements ICommandHandler<CreateTicketCommand> {
  constructor(
    private readonly database: TenantDatabase,
    private readonly catalog: DomainCatalog,
    private readonly queries: QueryBus,
  ) {}

  async execute({ tenantId, actor, input }: CreateTicketCommand): Promise<TicketView> {
    const configuration = this.catalog.configurationFor(tenantId);
    const domainId = input.domainId ?? configuration.global.defaultDomain;
    const domain = configuration.domains.get(domainId);
    if (!domain) {
      const known = [...configuration.domains.keys()].join(', ');
      throw MasalaException.validation([
        { field: 'domainId', rule: 'domain', message: `domainId "${domainId}" is not defined; use one of ${known}` },
      ]);
    }
    const typeCode = this.resolveType(domain, input.typeCode);
    const priority = input.priority ?? 'normal';
    const fields = normalizeCustomFieldValues(domain, { typeCode, priority, values: input.customFields });
    if (fields.violations.length > 0) throw MasalaException.validation(fields.violations);
    if (input.assigneeId) await checkAssignee(this.queries, tenantId, input.assigneeId, new Set());

    const now = new Date();
    const ticket = Object.assign(new Ticket(), {
      tenantId,
      id: crypto.randomUUID(),
      domainId,
      typeCode,
      status: domain.workflow.initialState,
      title: input.title.trim(),
      description: input.description,
      priority,
      customFields: fields.values,
      requesterId: input.requesterId ?? actor.id,
      assigneeId: input.assigneeId ?? null,
      configVersion: configuration.version,
      version: 1,
      dueAt: dueDateFor(domain, typeCode, now),
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    });

    await this.database.write(tenantId, async (unitOfWork) => {
      await unitOfWork.manager.insert(Ticket, ticket as QueryDeepPartialEntity<Ticket>);
      await unitOfWork.emit(new TicketCreatedEvent(ticket, actor));
    });
    return toTicketView(ticket);
  }

  private resolveType(domain: DomainDefinition, requested: string | undefined): string {
    if (domain.workItemTypes.length === 0) {
      if (requested === undefined || requested === DEFAULT_TYPE_CODE) return DEFAULT_TYPE_CODE;
    } else {
      const code = requested ?? domain.workItemTypes[0]!.code;
      if (domain.workItemTypes.some((type) => type.code === code)) return code;
    }
    const known = domain.workItemTypes.map((type) => type.code).join(', ') || DEFAULT_TYPE_CODE;
    const error: FieldError = {
      field: 'typeCode',
      rule: 'type',
      message: `typeCode "${requested}" is not defined in domain ${domain.id}; use one of ${known}`,
    };
    throw MasalaException.validation([error]);
  }
}
