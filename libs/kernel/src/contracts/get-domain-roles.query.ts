import { Query } from '@nestjs/cqrs';

/** Role code to the permissions it grants, as defined by the domains active for a tenant. */
export type DomainRoleMap = ReadonlyMap<string, readonly string[]>;

/**
 * Asks the tickets context, which owns the domain configuration, for the roles its domains
 * define. Identity resolves permissions with it without reading the configuration itself.
 */
export class GetDomainRolesQuery extends Query<DomainRoleMap> {
  constructor(readonly tenantId: string | undefined) {
    super();
  }
}
