import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { GetDomainRolesQuery, type DomainRoleMap } from '#kernel';
import { DomainCatalog } from '../../infrastructure/domain-catalog.js';

/** Collects the roles of every domain; a code defined by two domains gets both permission sets. */
@QueryHandler(GetDomainRolesQuery)
export class GetDomainRolesHandler implements IQueryHandler<GetDomainRolesQuery> {
  constructor(private readonly catalog: DomainCatalog) {}

  async execute({ tenantId }: GetDomainRolesQuery): Promise<DomainRoleMap> {
    const configuration = await this.catalog.configurationForTenant(tenantId ?? '');
    const roles = new Map<string, Set<string>>();
    for (const domain of configuration.domains.values()) {
      for (const role of domain.roles) {
        const granted = roles.get(role.code) ?? new Set<string>();
        for (const permission of role.permissions) granted.add(permission);
        roles.set(role.code, granted);
      }
    }
    return new Map([...roles].map(([code, granted]) => [code, [...granted]]));
  }
}
