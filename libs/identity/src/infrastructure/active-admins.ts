import type { EntityManager } from 'typeorm';
import { User } from '../domain/user.entity.js';

/**
 * Returns whether the tenant has an active Admin other than `userId`. On PostgreSQL a
 * transaction-scoped advisory lock makes two callers wait for each other, so two Admins cannot
 * remove each other at the same moment. On SQLite the single write queue does that already.
 */
export async function hasAnotherActiveAdmin(manager: EntityManager, tenantId: string, userId: string): Promise<boolean> {
  if (manager.connection.driver.options.type === 'postgres') {
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`identity-admins:${tenantId}`]);
  }
  // LIKE on the JSON text of roles narrows the rows. The exact check runs on the parsed list,
  // because SQLite's LIKE ignores case and would also match a domain role called "admin".
  const candidates = await manager
    .createQueryBuilder(User, 'other')
    .select(['other.tenantId', 'other.id', 'other.roles'])
    .where('other.tenantId = :tenantId AND other.status = :status AND other.id <> :id', {
      tenantId,
      status: 'active',
      id: userId,
    })
    .andWhere('other.roles LIKE :admin', { admin: '%"Admin"%' })
    .getMany();
  return candidates.some((candidate) => candidate.roles.includes('Admin'));
}

/** Returns whether the user is an active Admin, whose removal needs another active Admin. */
export function isActiveAdmin(user: Pick<User, 'status' | 'roles'>): boolean {
  return user.status === 'active' && user.roles.includes('Admin');
}
