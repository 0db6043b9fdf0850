import type { Principal } from '#kernel';
import { TicketsException } from '../domain/tickets.exception.js';

/** Fields of a ticket body that need a permission beyond the route's own. */
export const TICKET_FIELD_PERMISSIONS: Readonly<Record<string, string>> = {
  assigneeId: 'tickets.assign',
  projectId: 'projects.manage',
  typeCode: 'tickets.read_all',
  dueAt: 'tickets.read_all',
  tags: 'tickets.read_all',
  watcherIds: 'tickets.read_all',
};

/**
 * Rejects with 403 a body that sets a field the caller may not set, such as a customer setting
 * the assignee. Only the create route lets `typeCode` through, because a requester picks the type.
 */
export function assertFieldPermissions(
  principal: Pick<Principal, 'permissions'>,
  body: object,
  allowed: readonly string[] = [],
): void {
  for (const [field, permission] of Object.entries(TICKET_FIELD_PERMISSIONS)) {
    const value = (body as Record<string, unknown>)[field];
    if (value === undefined || allowed.includes(field) || principal.permissions.has(permission)) continue;
    throw TicketsException.forbidden(`set ${field}`, permission);
  }
}
