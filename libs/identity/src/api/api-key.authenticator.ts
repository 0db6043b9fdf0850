import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { RequestContext, TenantDatabase, type Principal } from '#kernel';
import { ApiKey } from '../domain/api-key.entity.js';
import { effectiveKeyPermissions, isKeyLive } from '../domain/api-key-rights.js';
import { hashApiKey, isWellFormedApiKey } from '../domain/api-key-secret.js';
import { IdentityException } from '../domain/identity.exception.js';
import { User } from '../domain/user.entity.js';
import { loadKeyAncestors } from '../infrastructure/api-key-chain.js';
import { RoleCatalog } from '../infrastructure/role-catalog.js';
import { AccessGuard, type CredentialAuthenticator } from './access.guard.js';

const INVALID_KEY = 'The API key is invalid, revoked or expired';

/** A key loaded with its creating user mapped onto it; `creator` is missing when that user is. */
type KeyWithCreator = ApiKey & { creator?: Pick<User, 'tenantId' | 'id' | 'roles' | 'status'> };

/**
 * Authenticates `X-Api-Key`. The key is looked up by hash in the request's tenant only, so a
 * key of another tenant is unknown here (401). A request may carry a key or a bearer token,
 * never both.
 *
 * A key acts with the current rights of the user who created it, directly or through a chain of
 * keys. Its permissions are cut to those that user could still grant. The key is rejected like an
 * invalid one while that user is disabled, erased or deleted, and once a key above it in the
 * chain is revoked or expired. The user is joined into the key's lookup, so a key created by
 * a user costs one query. Each key above it in a chain adds one primary-key read.
 */
@Injectable()
export class ApiKeyAuthenticator implements CredentialAuthenticator, OnModuleInit {
  constructor(
    private readonly guard: AccessGuard,
    private readonly database: TenantDatabase,
    private readonly roles: RoleCatalog,
  ) {}

  onModuleInit(): void {
    this.guard.addAuthenticator(this);
  }

  async authenticate(request: { headers: Record<string, string | string[] | undefined> }): Promise<Principal | undefined> {
    const header = request.headers['x-api-key'];
    if (header === undefined) return undefined;
    if (typeof header !== 'string' || !isWellFormedApiKey(header)) throw IdentityException.unauthenticated(INVALID_KEY);
    if (request.headers.authorization !== undefined) {
      throw IdentityException.unauthenticated('Send either X-Api-Key or Authorization, not both');
    }

    const context = RequestContext.current();
    const tenantId = context.tenantId;
    if (!tenantId) throw IdentityException.unauthenticated(INVALID_KEY);
    const secretHash = hashApiKey(header);
    const found = await this.database.read(tenantId, (manager) => this.findUsableKey(manager, tenantId, secretHash));
    if (!found) throw IdentityException.unauthenticated(INVALID_KEY);

    const creatorPermissions = await this.roles.permissions(found.creator.roles, tenantId);
    return {
      tenantId,
      tenantSlug: context.tenantSlug ?? '',
      actor: { type: 'api_key', id: found.key.id, roles: [] },
      permissions: effectiveKeyPermissions(found.key, creatorPermissions),
    };
  }

  /** Returns the key and its creating user, or null when the key or anything it depends on is no longer valid. */
  private async findUsableKey(
    manager: EntityManager,
    tenantId: string,
    secretHash: string,
  ): Promise<{ key: ApiKey; creator: Pick<User, 'roles'> } | null> {
    const now = new Date();
    // One query for the key and its creator. Only plain user columns are read, because the
    // encrypted ones would cost a decryption on every request.
    const key: KeyWithCreator | null = await manager
      .createQueryBuilder(ApiKey, 'apiKey')
      .leftJoinAndMapOne('apiKey.creator', User, 'creator', 'creator.tenantId = apiKey.tenantId AND creator.id = apiKey.creatorUserId')
      .select(['apiKey', 'creator.tenantId', 'creator.id', 'creator.roles', 'creator.status'])
      .where('apiKey.tenantId = :tenantId AND apiKey.secretHash = :secretHash', { tenantId, secretHash })
      .getOne();
    const creator = key?.creator;
    if (!key || !creator || creator.status !== 'active' || !isKeyLive(key, now)) return null;
    if (key.parentKeyId !== null) {
      const ancestors = await loadKeyAncestors(manager, key);
      if (!ancestors || !ancestors.every((ancestor) => isKeyLive(ancestor, now))) return null;
    }
    return { key, creator };
  }
}
