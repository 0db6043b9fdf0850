import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MASALA_SETTINGS, RequestContext, type MasalaSettings } from '#kernel';
import { TenantRegistry } from '#tenancy';

const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE';
/** Request headers a cross-origin client may send; a preflight asking for others is not allowed. */
const ALLOWED_REQUEST_HEADERS = new Set([
  'accept',
  'authorization',
  'content-type',
  'if-match',
  'if-none-match',
  'x-api-key',
  'x-correlation-id',
  'x-tenant-id',
]);
const EXPOSED_HEADERS = 'ETag, Location, Retry-After, X-Correlation-Id';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

/**
 * Returns the canonical form of an exact origin (`scheme://host[:port]`, lower case, without a
 * default port), or undefined for `null`, wildcards and anything else that is not one.
 */
export function canonicalOrigin(value: string): string | undefined {
  if (!/^https?:\/\/[^/\s?#*]+$/i.test(value)) return undefined;
  try {
    const origin = new URL(value).origin;
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/**
 * CORS with an exact-origin allowlist: MASALA_CORS_ORIGINS for every request, plus the tenant's
 * `corsOrigins` setting for a request resolved to that tenant. An allowed origin is echoed; any
 * other origin, `null` included, gets no CORS header at all, so the browser blocks the response.
 * Credentials (cookies) are never allowed; clients send bearer tokens or API keys instead.
 *
 * A preflight carries no X-Tenant-ID header. Only the host (MASALA_BASE_DOMAIN) or an isolated
 * instance selects a tenant for it, and without one only the instance list applies.
 */
@Injectable()
export class CorsMiddleware implements NestMiddleware {
  private readonly instanceOrigins: ReadonlySet<string>;

  constructor(
    @Inject(MASALA_SETTINGS) settings: MasalaSettings,
    private readonly registry: TenantRegistry,
  ) {
    this.instanceOrigins = new Set(
      settings.corsOrigins.map(canonicalOrigin).filter((origin) => origin !== undefined),
    );
  }

  use(request: Request, response: Response, next: NextFunction): void {
    response.vary('Origin');
    const offered = request.header('origin');
    const preflight =
      request.method === 'OPTIONS' && request.header('access-control-request-method') !== undefined;
    if (preflight) {
      response.vary('Access-Control-Request-Method');
      response.vary('Access-Control-Request-Headers');
    }
    if (offered === undefined) {
      next();
      return;
    }

    this.isAllowed(offered)
      .then((origin) => {
        if (origin !== undefined) {
          response.setHeader('Access-Control-Allow-Origin', origin);
          response.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
        }
        if (!preflight) {
          next();
          return;
        }
        if (origin !== undefined) this.allowPreflight(request, response);
        response.status(204).end();
      })
      .catch(next);
  }

  private allowPreflight(request: Request, response: Response): void {
    const requested = (request.header('access-control-request-headers') ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean);
    if (requested.some((name) => !ALLOWED_REQUEST_HEADERS.has(name))) return;
    response.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
    if (requested.length > 0)
      response.setHeader('Access-Control-Allow-Headers', requested.join(', '));
    response.setHeader('Access-Control-Max-Age', PREFLIGHT_MAX_AGE_SECONDS);
  }

  /** Returns the origin to echo when it is on the instance list or the tenant's list. */
  private async isAllowed(offered: string): Promise<string | undefined> {
    const origin = canonicalOrigin(offered);
    if (origin === undefined) return undefined;
    if (this.instanceOrigins.has(origin)) return origin;
    const tenantId = RequestContext.find()?.tenantId;
    if (tenantId === undefined) return undefined;
    const tenant = await this.registry.findById(tenantId);
    const listed = (tenant?.settings.corsOrigins ?? []).map(canonicalOrigin);
    return listed.includes(origin) ? origin : undefined;
  }
}
