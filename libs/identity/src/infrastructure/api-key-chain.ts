import type { EntityManager } from 'typeorm';
import { ApiKey } from '../domain/api-key.entity.js';
import { MAX_KEY_CHAIN_LENGTH } from '../domain/api-key-rights.js';

/**
 * Loads the keys above `key` in its creation chain, its parent first, with one primary-key read
 * per link. Returns null when a link is missing or the chain is longer than MAX_KEY_CHAIN_LENGTH,
 * which creation never allows.
 */
export async function loadKeyAncestors(manager: EntityManager, key: ApiKey): Promise<ApiKey[] | null> {
  const ancestors: ApiKey[] = [];
  let parentId = key.parentKeyId;
  while (parentId !== null) {
    if (ancestors.length === MAX_KEY_CHAIN_LENGTH) return null;
    const parent = await manager.findOne(ApiKey, { where: { tenantId: key.tenantId, id: parentId } });
    if (!parent) return null;
    ancestors.push(parent);
    parentId = parent.parentKeyId;
  }
  return ancestors;
}
