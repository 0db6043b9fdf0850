import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { TokenService } from '#identity';
import { MASALA_SETTINGS, RequestContext, routeAccessOf, type MasalaSettings } from '#kernel';
import {
  ADDRESS_HIT,
  BlockedTenants,
  WINDOW_MS,
  applyLimit,
  claimsTenant,
  limitedExchange,
  type RateLimit,
} from './rate-limit-http.js';
import { RATE_LIMIT_STORAGE, type RateLimitStorage } from './rate-limit-storage.js';

/**
 * Global guard that runs before the access guard and counts every request, except the health
 * probes and metrics, in the `address` limit: per client address within the tenant named by the
 * request, MASALA_CLIENT_RATE_LIMIT_PER_MINUTE per minute. Once the address is over the limit,
 * the request gets 429 before any credential is checked, so a flood of guessed API keys or
 * bearer tokens cannot go on testing them.
 *
 * RateLimitGuard takes the hit back when the access guard verifies the caller. So the count
 * holds only requests to public routes and requests that the access guard rejects (401, or 403
 * for a verified caller without the permission).
 *
 * Some requests get 429 here at once, without counting: those to a route that needs a caller,
 * with a bearer token of a tenant over its tenant limit (see BlockedTenants and claimsTenant).
 * Only the token's signature is checked, not the user's row, so the flood of a throttled tenant
 * costs little to turn away. Public routes, such as login and refresh, never count in the tenant
 * limit, so they stay open to the tenant's clients.
 *
 * NOTE: a verified caller behind the same address, such as one NAT or an unlisted proxy, also
 * gets 429 while the address is over the limit, because the limit is checked before
 * authentication.
 */
@Injectable()
export class AddressRateLimitGuard implements CanActivate {
  constructor(
    @Inject(RATE_LIMIT_STORAGE) private readonly storage: RateLimitStorage,
    @Inject(MASALA_SETTINGS) private readonly settings: MasalaSettings,
    private readonly blockedTenants: BlockedTenants,
    private readonly reflector: Reflector,
    private readonly moduleRef: ModuleRef,
  ) {}

  /**
   * TokenService of IdentityModule, looked up on first use. Importing IdentityModule here would
   * initialize it first and put its access guard ahead of this guard.
   */
  private tokens?: TokenService;

  private readonly tenantOfToken = (token: string): string | undefined => {
    this.tokens ??= this.moduleRef.get(TokenService, { strict: false });
    return this.tokens.tenantOfVerifiedToken(token);
  };

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const exchange = limitedExchange(context);
    if (exchange === undefined) return true;
    const { request, response } = exchange;
    const tenantId = RequestContext.find()?.tenantId ?? '-';

    // Only verified requests count in the tenant limit, so no outsider can put a tenant over it.
    // The token's signature is checked first, so only a holder of a genuine token of the tenant
    // learns from this 429 that the tenant is over its limit.
    const blocked = tenantId === '-' ? undefined : this.blockedTenants.find(tenantId);
    if (
      blocked !== undefined &&
      routeAccessOf(this.reflector, context) !== 'public' &&
      claimsTenant(request, tenantId, this.tenantOfToken)
    ) {
      applyLimit(response, blocked.limit, blocked.record);
    }

    const limit: RateLimit = {
      name: 'address',
      limit: this.settings.clientRateLimitPerMinute,
      tracker: `${tenantId}:${request.ip ?? 'unknown'}`,
    };
    const record = await this.storage.increment(limit.tracker, WINDOW_MS, limit.limit, 0, limit.name);
    request[ADDRESS_HIT] = limit;
    applyLimit(response, limit, record);
    return true;
  }
}
