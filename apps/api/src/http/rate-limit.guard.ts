import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Response } from 'express';
import {
  FieldEncryption,
  MASALA_SETTINGS,
  RequestContext,
  type MasalaSettings,
  type Principal,
} from '#kernel';
import { TenantRegistry } from '#tenancy';
import {
  ADDRESS_HIT,
  BlockedTenants,
  TENANT_LIMIT,
  WINDOW_MS,
  applyLimit,
  limitedExchange,
  removeLimitHeaders,
  type RateLimit,
  type RateLimitedRequest,
} from './rate-limit-http.js';
import { RATE_LIMIT_STORAGE, type RateLimitStorage } from './rate-limit-storage.js';

const LOGIN_PATH = /\/auth\/login(\/|$)/;

/**
 * Global guard for the rate limits that need the verified caller, all per minute and counted
 * in fixed windows:
 * - `client`: each user or API key within its tenant (MASALA_CLIENT_RATE_LIMIT_PER_MINUTE),
 *   however many sessions the user has;
 * - `tenant`: every authenticated request of a tenant, by the tenant's `rateLimitPerMinute`
 *   setting or MASALA_RATE_LIMIT_PER_MINUTE. A request that the client limit rejects is not
 *   counted here, so a client over its own limit takes no more of the tenant's budget. Once a
 *   tenant is over, BlockedTenants lets the address guard reject its requests before
 *   authentication until the window ends;
 * - `login-address` and `login-account`: logins per address and per account
 *   (MASALA_LOGIN_RATE_LIMIT_PER_MINUTE each), before the password is checked.
 * The client address is `request.ip`, which honours X-Forwarded-For only from
 * MASALA_TRUSTED_PROXIES (Express `trust proxy`, set in createApp).
 *
 * It runs after the access guard, because PrincipalRateLimitModule is imported after
 * IdentityModule and Nest runs global guards in module order, so `request.principal` is the
 * verified caller. For a verified caller it takes back the hit that AddressRateLimitGuard
 * counted before authentication. A request that the access guard rejects (401 or 403) never
 * gets here and stays counted only in the address limit.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    @Inject(RATE_LIMIT_STORAGE) private readonly storage: RateLimitStorage,
    @Inject(MASALA_SETTINGS) private readonly settings: MasalaSettings,
    private readonly registry: TenantRegistry,
    private readonly encryption: FieldEncryption,
    private readonly blockedTenants: BlockedTenants,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const exchange = limitedExchange(context);
    if (exchange === undefined) return true;
    const { request, response } = exchange;

    const principal = request.principal;
    if (principal !== undefined) {
      await this.returnAddressHit(request, response);
      await this.count(response, this.clientLimit(principal));
      await this.count(response, await this.tenantLimit(principal));
      return true;
    }
    if (request.method === 'POST' && LOGIN_PATH.test(request.path)) {
      for (const limit of this.loginLimits(request)) await this.count(response, limit);
    }
    return true;
  }

  /** Counts one request in `limit` and throws 429 when that puts it over the limit. */
  private async count(response: Response, limit: RateLimit): Promise<void> {
    const record = await this.storage.increment(limit.tracker, WINDOW_MS, limit.limit, 0, limit.name);
    if (record.isBlocked && limit.name === TENANT_LIMIT) this.blockedTenants.block(limit, record);
    applyLimit(response, limit, record);
  }

  private async returnAddressHit(request: RateLimitedRequest, response: Response): Promise<void> {
    const hit = request[ADDRESS_HIT];
    if (hit === undefined) return;
    delete request[ADDRESS_HIT];
    removeLimitHeaders(response, hit);
    await this.storage.decrement(hit.tracker, hit.name);
  }

  private clientLimit(principal: Principal): RateLimit {
    return {
      name: 'client',
      limit: this.settings.clientRateLimitPerMinute,
      // The user or API key, never the session: logging in again must not add an allowance.
      tracker: `${principal.tenantId}:${principal.actor.type}:${principal.actor.id}`,
    };
  }

  private async tenantLimit(principal: Principal): Promise<RateLimit> {
    const tenant = await this.registry.findById(principal.tenantId);
    return {
      name: TENANT_LIMIT,
      limit: tenant?.settings.rateLimitPerMinute ?? this.settings.rateLimitPerMinute,
      tracker: principal.tenantId,
    };
  }

  private loginLimits(request: RateLimitedRequest): RateLimit[] {
    const tenantId = RequestContext.find()?.tenantId ?? '-';
    const limits: RateLimit[] = [
      {
        name: 'login-address',
        limit: this.settings.loginRateLimitPerMinute,
        tracker: `${tenantId}:${request.ip ?? 'unknown'}`,
      },
    ];
    const email = (request.body as { email?: unknown } | undefined)?.email;
    if (typeof email === 'string' && email.trim() !== '' && tenantId !== '-') {
      // A keyed hash, so that a counter key (in Redis) never contains the e-mail address.
      const account = this.encryption.blindIndex(tenantId, 'rate_limit.login', email);
      limits.push({
        name: 'login-account',
        limit: this.settings.loginRateLimitPerMinute,
        tracker: `${tenantId}:${account}`,
      });
    }
    return limits;
  }
}
