import type { ApiKey } from './api-key.entity.js';

/** An API key as the API lists it; the key itself appears only in the creation response. */
export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  permissions: string[];
  createdBy: string;
  creatorUserId: string | null;
  parentKeyId: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

export function toApiKeyView(key: ApiKey): ApiKeyView {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    permissions: key.permissions,
    createdBy: key.createdBy,
    creatorUserId: key.creatorUserId,
    parentKeyId: key.parentKeyId,
    createdAt: key.createdAt.toISOString(),
    expiresAt: key.expiresAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}
