import type { QueryBus } from '@nestjs/cqrs';
import { FindUserQuery, MasalaException } from '#kernel';

const HANDLER_ROLES = new Set(['Admin', 'Employee']);

/**
 * Checks that an assignee is an active Employee or Admin of the tenant, or holds a domain role
 * that may handle tickets. A user of another tenant gives the same error as a missing user.
 */
export async function checkAssignee(
  queries: QueryBus,
  tenantId: string,
  assigneeId: string,
  domainHandlerRoles: ReadonlySet<string>,
): Promise<void> {
  const user = await queries.execute(new FindUserQuery(tenantId, assigneeId));
  const canHandle = user?.roles.some((role) => HANDLER_ROLES.has(role) || domainHandlerRoles.has(role));
  if (!user || user.status !== 'active' || !canHandle) {
    throw MasalaException.validation([
      { field: 'assigneeId', rule: 'assignee', message: 'assigneeId must name an active agent of this tenant' },
    ]);
  }
}
