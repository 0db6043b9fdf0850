import { Injectable, type ExecutionContext } from '@nestjs/common';
import type { Response } from 'express';
import { ErrorCode, MasalaException, type Principal } from '#kernel';
import type { RateLimitRecord } from './rate-limit-storage.js';

/** One limit: requests per minute for each tracker (tenant, client, address or account). */
export interface RateLimit {
  name: string;
  limit: number;
  tracker: string;
}

/** Key of the address hit that AddressRateLimitGuard stores on the request. */
export const ADDRESS_HIT = Symbol('masala.rate-limit.address-hit');

/** The parts of an Express request that the rate limits read and write. */
export interface RateLimitedRequest {
  method: string;
  path: string;
  ip?: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  principal?: Principal;
  /** The address limit that counted this request, until a verified caller gets it back. */
  [ADDRESS_HIT]?: RateLimit;
}

export const WINDOW_MS = 60_000;
/** Name of the per-tenant limit, in its headers and in the problem's `scope`. */
export const TENANT_LIMIT = 'tenant';
/** Routes that are never limited: probes and metrics scrapes come from the platform. */
export const UNLIMITED_PATH = /^\/(health\/|metrics(\/|$))/;

export function setLimitHeaders(
  response: Response,
  limit: RateLimit,
  record: RateLimitRecord,
): void {
  response.setHeader(`X-RateLimit-Limit-${limit.name}`, String(limit.limit));
  response.setHeader(
    `X-RateLimit-Remaining-${limit.name}`,
    String(Math.max(0, limit.limit - record.totalHits)),
  );
  response.setHeader(`X-RateLimit-Reset-${limit.name}`, String(record.timeToExpire));
}

/** Sets the limit's headers, then throws 429 when the record is over the limit. */
export function applyLimit(response: Response, limit: RateLimit, record: RateLimitRecord): void {
  setLimitHeaders(response, limit, record);
  if (record.isBlocked) throw tooManyRequests(limit, record);
}

/** Returns the request and response of an HTTP request that is rate limited, or undefined. */
export function limitedExchange(
  context: ExecutionContext,
): { request: RateLimitedRequest; response: Response } | undefined {
  if (context.getType() !== 'http') return undefined;
  const http = context.switchToHttp();
  const request = http.getRequest<RateLimitedRequest>();
  if (UNLIMITED_PATH.test(request.path)) return undefined;
  return { request, response: http.getResponse<Response>() };
}

export function removeLimitHeaders(response: Response, limit: RateLimit): void {
  for (const header of ['Limit', 'Remaining', 'Reset']) {
    response.removeHeader(`X-RateLimit-${header}-${limit.name}`);
  }
}

export function tooManyRequests(limit: RateLimit, record: RateLimitRecord): MasalaException {
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

/**
 * Tenants that this instance has seen over their `tenant` limit, until their window ends. The
 * windows are fixed and a tenant's count only grows within one, so such a tenant stays over its
 * limit until then. AddressRateLimitGuard rejects their credentialed requests before the access
 * guard verifies them, so a flooding tenant costs little more than its 429 responses.
 *
 * NOTE: a raised `rateLimitPerMinute` takes effect for a tenant already over the old limit only
 * when its current window ends, at most a minute later.
 */
@Injectable()
export class BlockedTenants {
  private readonly blocked = new Map<string, { limit: RateLimit; endsAt: number }>();

  /** Records that `limit` (a tenant limit, tracked by tenant id) rejected a request. */
  block(limit: RateLimit, record: RateLimitRecord): void {
    // The record rounds the time left up to whole seconds. One second less never rejects a
    // request of the next window, and a request that comes in that second is counted as usual.
    const secondsLeft = Math.max(0, record.timeToBlockExpire - 1);
    if (secondsLeft > 0) this.blocked.set(limit.tracker, { limit, endsAt: Date.now() + secondsLeft * 1000 });
  }

  /** Returns the limit and record to reject the tenant's request with, or undefined. */
  find(tenantId: string): { limit: RateLimit; record: RateLimitRecord } | undefined {
    const entry = this.blocked.get(tenantId);
    if (entry === undefined) return undefined;
    const left = entry.endsAt - Date.now();
    if (left <= 0) {
      this.blocked.delete(tenantId);
      return undefined;
    }
    const seconds = Math.ceil(left / 1000);
    const record = { totalHits: entry.limit.limit + 1, timeToExpire: seconds, isBlocked: true, timeToBlockExpire: seconds };
    return { limit: entry.limit, record };
  }
}

/**
 * Returns whether the request carries a bearer token that `tenantOfToken` attributes to
 * `tenantId`. A token of another tenant, or one whose signature does not verify, is left to the
 * access guard, which rejects it with 401 whatever the limits are. API keys name no tenant, so a
 * request with one is left to authentication too, and RateLimitGuard rejects it after the key is
 * verified.
 */
export function claimsTenant(
  request: RateLimitedRequest,
  tenantId: string,
  tenantOfToken: (token: string) => string | undefined,
): boolean {
  const authorization = request.headers.authorization;
  if (typeof authorization !== 'string' || !authorization.startsWith('Bearer ')) return false;
  return tenantOfToken(authorization.slice('Bearer '.length)) === tenantId;
}
