import { MasalaException } from '#kernel';
import { normalizeCustomFieldValues, type DomainConfiguration, type DomainDefinition } from '../configuration/index.js';
import { normalizeTags } from './tags.js';
import type { TicketPriority } from './ticket.entity.js';
import { requireDomain, resolveTypeCode } from './ticket-type.js';

export interface NewTicketFields {
  domainId?: string;
  typeCode?: string;
  priority?: TicketPriority;
  customFields?: Record<string, unknown>;
  tags?: string[];
}

export interface ResolvedTicketFields {
  domain: DomainDefinition;
  typeCode: string;
  priority: TicketPriority;
  customFields: Record<string, unknown>;
  tags: string[];
}

/**
 * Checks the fields of a new ticket against one configuration snapshot: the domain (the default
 * domain when none is named), the type, custom fields and tags. Throws one validation error that
 * lists every problem, before anything is written.
 */
export function resolveNewTicket(configuration: DomainConfiguration, fields: NewTicketFields): ResolvedTicketFields {
  const domain = requireDomain(configuration.domains, fields.domainId ?? configuration.global.defaultDomain);
  const typeCode = resolveTypeCode(domain, fields.typeCode);
  const priority = fields.priority ?? 'normal';
  const custom = normalizeCustomFieldValues(domain, { typeCode, priority, values: fields.customFields });
  const tags = normalizeTags(fields.tags ?? []);
  const errors = [...custom.violations, ...tags.errors];
  if (errors.length > 0) throw MasalaException.validation(errors);
  return { domain, typeCode, priority, customFields: custom.values, tags: tags.tags };
}
