import { MasalaException } from '#kernel';
import type { DomainDefinition } from '../configuration/index.js';

/** Work item type used when a domain defines none. */
export const DEFAULT_TYPE_CODE = 'DEFAULT';

/** Returns the requested type code, or the domain's first type; rejects a code the domain lacks. */
export function resolveTypeCode(domain: DomainDefinition, requested: string | undefined): string {
  if (domain.workItemTypes.length === 0) {
    if (requested === undefined || requested === DEFAULT_TYPE_CODE) return DEFAULT_TYPE_CODE;
  } else {
    const code = requested ?? domain.workItemTypes[0]!.code;
    if (domain.workItemTypes.some((type) => type.code === code)) return code;
  }
  const known = domain.workItemTypes.map((type) => type.code).join(', ') || DEFAULT_TYPE_CODE;
  throw MasalaException.validation([
    {
      field: 'typeCode',
      rule: 'type',
      message: `typeCode "${requested}" is not defined in domain ${domain.id}; use one of ${known}`,
    },
  ]);
}

/** Returns the domain of a ticket from the configuration snapshot of the running command. */
export function requireDomain(domains: ReadonlyMap<string, DomainDefinition>, domainId: string, field = 'domainId'): DomainDefinition {
  const domain = domains.get(domainId);
  if (!domain) {
    const known = [...domains.keys()].join(', ');
    throw MasalaException.validation([
      { field, rule: 'domain', message: `domainId "${domainId}" is not defined; use one of ${known}` },
    ]);
  }
  return domain;
}
