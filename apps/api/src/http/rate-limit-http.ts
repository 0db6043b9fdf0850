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
  body?: unknown;
  principal?: Principal;
  /** The address limit that counted this request, until a verified caller gets it back. */
  [ADDRESS_HIT]?: RateLimit;
}

export const WINDOW_MS = 60_000;
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
