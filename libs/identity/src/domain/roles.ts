import type { Permission } from '#kernel';

export const BUILT_IN_ROLES = ['Admin', 'Employee', 'Customer', 'ComplianceOfficer'] as const;
export type BuiltInRole = (typeof BUILT_IN_ROLES)[number];

const ROLE_PERMISSIONS: Record<BuiltInRole, readonly Permission[]> = {
  Admin: [
    'tickets.create',
    'tickets.read',
    'tickets.read_all',
    'tickets.update',
    'tickets.transition',
    'tickets.assign',
    'tickets.delete',
    'comments.create',
    'comments.internal',
    'attachments.create',
    'projects.manage',
    'audit.read',
    'users.manage',
    'api_keys.manage',
    'settings.manage',
    'webhooks.manage',
    'consents.manage_own',
  ],
  Employee: [
    'tickets.create',
    'tickets.read',
    'tickets.read_all',
    'tickets.update',
    'tickets.transition',
    'tickets.assign',
    'comments.create',
    'comments.internal',
    'attachments.create',
    'projects.manage',
    'consents.manage_own',
  ],
  Customer: [
    'tickets.create',
    'tickets.read',
    'tickets.update',
    'comments.create',
    'attachments.create',
    'consents.manage_own',
  ],
  ComplianceOfficer: [
    'tickets.read',
    'tickets.read_all',
    'audit.read',
    'compliance.read',
    'compliance.export',
    'compliance.erase',
    'consents.manage_own',
  ],
};

export function isBuiltInRole(role: string): role is BuiltInRole {
  return (BUILT_IN_ROLES as readonly string[]).includes(role);
}

/**
 * Resolves roles to permissions. Domain roles come from masala_domains.yaml through
 * `domainRoles`, which maps a role code to the permissions the configuration grants it.
 */
export function permissionsFor(
  roles: readonly string[],
  domainRoles: ReadonlyMap<string, readonly string[]> = new Map(),
): Set<string> {
  const permissions = new Set<string>();
  for (const role of roles) {
    const granted = isBuiltInRole(role) ? ROLE_PERMISSIONS[role] : (domainRoles.get(role) ?? []);
    for (const permission of granted) permissions.add(permission);
  }
  return permissions;
}
