import { Injectable } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { GetDomainRolesQuery, type DomainRoleMap, type FieldError } from '#kernel';
import { BUILT_IN_ROLES, isBuiltInRole, permissionsFor } from '../domain/roles.js';

const EMPTY: DomainRoleMap = new Map();

/** Resolves built-in roles and the roles that domains define to permissions. */
@Injectable()
export class RoleCatalog {
  constructor(private readonly queries: QueryBus) {}

  async permissions(roles: readonly string[], tenantId?: string): Promise<Set<string>> {
    const needsDomainRoles = roles.some((role) => !isBuiltInRole(role));
    return permissionsFor(roles, needsDomainRoles ? await this.domainRoles(tenantId) : EMPTY);
  }

  async validateRoles(roles: readonly string[], tenantId?: string): Promise<FieldError[]> {
    if (roles.length === 0) {
      return [{ field: 'roles', rule: 'required', message: 'at least one role is required' }];
    }
    const domainRoles = await this.domainRoles(tenantId);
    return roles
      .filter((role) => !isBuiltInRole(role) && !domainRoles.has(role))
      .map((role) => ({
        field: 'roles',
        rule: 'role',
        message: `role "${role}" is not defined; use one of ${[...BUILT_IN_ROLES, ...domainRoles.keys()].join(', ')}`,
      }));
  }

  private async domainRoles(tenantId?: string): Promise<DomainRoleMap> {
    return this.queries.execute(new GetDomainRolesQuery(tenantId)).catch(() => EMPTY);
  }
}
