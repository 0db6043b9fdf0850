import { Injectable, type OnModuleInit } from '@nestjs/common';
import { RequestContext, TenantDatabase, type Principal } from '#kernel';
import { ApiKey } from '../domain/api-key.entity.js';
import { hashApiKey, isWellFormedApiKey } from '../domain/api-key-secret.js';
import { IdentityException } from '../domain/identity.exception.js';
import { AccessGuard, type CredentialAuthenticator } from './access.guard.js';

const INVALID_KEY = 'The API key is invalid, revoked or expired';

/**
 * Authenticates `X-Api-Key`. The key is looked up by hash in the request's tenant only, so a
 * key of another tenant is unknown here (401). A request may carry a key or a bearer token,
 * never both.
 */
@Injectable()
export class ApiKeyAuthenticator implements CredentialAuthenticator, OnModuleInit {
  constructor(
    private readonly guard: AccessGuard,
    private readonly database: TenantDatabase,
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
    const key = await this.database.read(tenantId, (manager) =>
      manager.findOne(ApiKey, { where: { tenantId, secretHash } }),
    );
    const now = new Date();
    if (!key || key.revokedAt !== null || (key.expiresAt !== null && key.expiresAt <= now)) {
      throw IdentityException.unauthenticated(INVALID_KEY);
    }
    return {
      tenantId,
      tenantSlug: context.tenantSlug ?? '',
      actor: { type: 'api_key', id: key.id, roles: [] },
      permissions: new Set(key.permissions),
    };
  }
}
