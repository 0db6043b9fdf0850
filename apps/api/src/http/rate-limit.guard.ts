import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Response } from 'express';
import {
  ErrorCode,
  FieldEncryption,
  MASALA_SETTINGS,
  MasalaException,
  RequestContext,
  type MasalaSettings,
  type Principal,
} from '#kernel';
import { TenantRegistry } from '#tenancy';
import {
  RATE_LIMIT_STORAGE,
  type RateLimitRecord,
  type RateLimitStorage,
} from './rate-limit-storage.js';

/** The parts of an Express request that the rate limits read. */
interface RateLimitedRequest {
  method: string;
  path: string;
  ip?: string;
  body?: unknown;
  principal?: Principal;
}

/** One limit: requests per minute for each tracker (tenant, client, address or account). */
interface RateLimit {
  name: string;
  limit: number;
  tracker: string;
}

const WINDOW_MS = 60_000;
/** Routes that are never limited: probes and metrics scrapes come from the platform. */
const UNLIMITED_PATH = /^\/(health\/|metrics(\/|$))/;
const LOGIN_PATH = /\/auth\/login(\/|$)/;

/**
 * Global guard for the rate limits, all per minute and counted in fixed windows:
 * - `client`: each user or API key within its tenant (MASALA_CLIENT_RATE_LIMIT_PER_MINUTE),
 *   however many sessions the user has;
 * - `tenant`: every authenticated request of a tenant, by the tenant's `rateLimitPerMinute`
 *   setting or MASALA_RATE_LIMIT_PER_MINUTE. A request that the client limit rejects is not
 *   counted here, so a client over its own limit takes no more of the tenant's budget;
 * - `address`: requests without a verified caller, per client address within the tenant;
 * - `login-address` and `login-account`: logins per address and per account
 *   (MASALA_LOGIN_RATE_LIMIT_PER_MINUTE each).
 * The client address is `request.ip`, which honours X-Forwarded-For only from
 * MASALA_TRUSTED_PROXIES (Express `trust proxy`, set in createApp).
 *
 * It runs after the access guard, because RateLimitModule is imported after IdentityModule and
 * Nest runs global guards in module order, so `request.principal` is the verified caller.
 * The limits are counted in the order listed, and the first that rejects a request stops it.
 * NOTE: a request that the access guard rejects (401 or 403) is therefore not counted.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    @Inject(RATE_LIMIT_STORAGE) private readonly storage: RateLimitStorage,
    @Inject(MASALA_SETTINGS) private readonly settings: MasalaSettings,
    private readonly registry: TenantRegistry,
    private readonly encryption: FieldEncryption,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<RateLimitedRequest>();
    if (UNLIMITED_PATH.test(request.path)) return true;

    const response = context.switchToHttp().getResponse<Response>();
    for (const limit of await this.limitsFor(request)) {
      const record = await this.storage.increment(
        limit.tracker,
        WINDOW_MS,
        limit.limit,
        0,
        limit.name,
      );
      setLimitHeaders(response, limit, record);
      if (record.isBlocked) throw tooManyRequests(limit, record);
    }
    return true;
  }

  private async limitsFor(request: RateLimitedRequest): Promise<RateLimit[]> {
    const principal = request.principal;
    const tenantId = principal?.tenantId ?? RequestContext.find()?.tenantId ?? '-';
    const address = request.ip ?? 'unknown';

    if (principal !== undefined) {
      const tenant = await this.registry.findById(tenantId);
      return [
        {
          name: 'client',
          limit: this.settings.clientRateLimitPerMinute,
          // The user or API key, never the session: logging in again must not add an allowance.
          tracker: `${tenantId}:${principal.actor.type}:${principal.actor.id}`,
        },
        {
          name: 'tenant',
          limit: tenant?.settings.rateLimitPerMinute ?? this.settings.rateLimitPerMinute,
          tracker: tenantId,
        },
      ];
    }

    if (!(request.method === 'POST' && LOGIN_PATH.test(request.path))) {
      return [
        {
          name: 'address',
          limit: this.settings.clientRateLimitPerMinute,
          tracker: `${tenantId}:${address}`,
        },
      ];
    }
    const limits: RateLimit[] = [
      {
        name: 'login-address',
        limit: this.settings.loginRateLimitPerMinute,
        tracker: `${tenantId}:${address}`,
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

function setLimitHeaders(response: Response, limit: RateLimit, record: RateLimitRecord): void {
  response.setHeader(`X-RateLimit-Limit-${limit.name}`, String(limit.limit));
  response.setHeader(
    `X-RateLimit-Remaining-${limit.name}`,
    String(Math.max(0, limit.limit - record.totalHits)),
  );
  response.setHeader(`X-RateLimit-Reset-${limit.name}`, String(record.timeToExpire));
}

function tooManyRequests(limit: RateLimit, record: RateLimitRecord): MasalaException {
  const seconds = Math.max(1, record.timeToBlockExpire);
  return new MasalaException(
    ErrorCode.RateLimited,
    `Too many requests: the ${limit.name} limit is ${limit.limit} per minute; retry after ${seconds} seconds`,
    {
      headers: { 'Retry-After': String(seconds) },
      extensions: { limit: limit.limit, scope: limit.name },
    },
  );
}
