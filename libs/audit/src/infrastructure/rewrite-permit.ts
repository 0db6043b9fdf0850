import type { EntityManager } from 'typeorm';
import { AuditRewritePermit } from '../domain/audit-rewrite-permit.entity.js';

/**
 * Runs `work` holding a rewrite permit for the tenant's audit entries, in the caller's
 * transaction. The permit is deleted before returning, and also when `work` throws, so a caller
 * that catches the error and commits anyway does not leave the audit table open.
 */
export async function withRewritePermit<T>(
  manager: EntityManager,
  tenantId: string,
  reason: string,
  work: () => Promise<T>,
): Promise<T> {
  const id = crypto.randomUUID();
  await manager.insert(AuditRewritePermit, { tenantId, id, reason: reason.slice(0, 200) });
  let result: T;
  try {
    result = await work();
  } catch (error) {
    // On PostgreSQL a failed statement aborts the transaction, which then cannot commit at all.
    await manager.delete(AuditRewritePermit, { tenantId, id }).catch(() => undefined);
    throw error;
  }
  await manager.delete(AuditRewritePermit, { tenantId, id });
  return result;
}

/** Takes the PostgreSQL lock that serialises appends to one tenant's chain; SQLite's queue already does. */
export async function lockChain(manager: EntityManager, tenantId: string): Promise<void> {
  if (manager.connection.driver.options.type === 'postgres') {
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`audit:${tenantId}`]);
  }
}
