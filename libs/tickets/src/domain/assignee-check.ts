import type { QueryBus } from '@nestjs/cqrs';
import { FindUserQuery, MasalaException } from '#kernel';
import type { DomainDefinition } from '../configuration/index.js';

const HANDLER_ROLES = new Set(['Admin', 'Employee']);
const HANDLING_PERMISSIONS = new Set(['tickets.transition', 'tickets.*', '*']);

/** Roles of a domain that may work its tickets: those granting `tickets.transition` or `tickets.*`. */
export function domainHandlerRoles(domain: DomainDefinition): Set<string> {
  return new Set(
    domain.roles
      .filter((role) => role.permissions.some((permission) => HANDLING_PERMISSIONS.has(permission)))
      .map((role) => role.code),
  );
}

/**
 * Checks that a user may handle tickets: an active Employee or Admin of the tenant, or an active
 * holder of a domain role that may handle tickets. A user of another tenant gives the same error
 * as a missing user, because FindUserQuery only looks inside the tenant.
 */
export async function checkHandler(
  queries: QueryBus,
  tenantId: string,
  userId: string,
  domainHandlerRoleCodes: ReadonlySet<string>,
  field: string,
): Promise<void> {
  const user = await queries.execute(new FindUserQuery(tenantId, userId));
  const canHandle = user?.roles.some((role) => HANDLER_ROLES.has(role) || domainHandlerRoleCodes.has(role));
  if (!user || user.status !== 'active' || !canHandle) {
    throw MasalaException.validation([
      { field, rule: 'agent', message: `${field} must name an active agent of this tenant` },
    ]);
  }
}

/** Checks an assignee; see checkHandler. */
export function checkAssignee(
  queries: QueryBus,
  tenantId: string,
  assigneeId: string,
  domainHandlerRoleCodes: ReadonlySet<string>,
): Promise<void> {
  return checkHandler(queries, tenantId, assigneeId, domainHandlerRoleCodes, 'assigneeId');
}

/** Checks every watcher; watchers must be agents, because customers only read their own tickets. */
export async function checkWatchers(
  queries: QueryBus,
  tenantId: string,
  watcherIds: readonly string[],
  domainHandlerRoleCodes: ReadonlySet<string>,
): Promise<void> {
  for (const [index, watcherId] of watcherIds.entries()) {
    await checkHandler(queries, tenantId, watcherId, domainHandlerRoleCodes, `watcherIds[${index}]`);
  }
}
