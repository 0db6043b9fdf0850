import type { EntityManager } from 'typeorm';
import { SavedFilter } from './saved-filter.entity.js';
import { TicketsException } from './tickets.exception.js';

/** Loads a saved filter of its owner; another user's filter is reported as missing. */
export async function findOwnSavedFilter(
  manager: EntityManager,
  tenantId: string,
  ownerId: string,
  filterId: string,
): Promise<SavedFilter> {
  const filter = await manager.findOne(SavedFilter, { where: { tenantId, ownerId, id: filterId } });
  if (!filter) throw TicketsException.savedFilterNotFound();
  return filter;
}
