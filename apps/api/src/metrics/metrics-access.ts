import { createHash, timingSafeEqual } from 'node:crypto';
import { ErrorCode, MasalaException, type MasalaSettings } from '#kernel';

/** How the API port treats GET /metrics under the given settings. */
export type MetricsExposure = 'separate-port' | 'token' | 'disabled';

export function metricsExposure(settings: MasalaSettings): MetricsExposure {
  if (settings.metricsPort !== undefined) return 'separate-port';
  if (settings.metricsToken !== undefined) return 'token';
  return 'disabled';
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Compares an `Authorization` header with `Bearer <token>` in constant time. */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) return false;
  return timingSafeEqual(digest(match[1]!), digest(token));
}

/**
 * Rejects a scrape on the API port unless the settings allow it. Metrics reveal which tenants
 * are active, so without MASALA_METRICS_TOKEN or MASALA_METRICS_PORT the route answers 404.
 */
export function assertMetricsAccess(settings: MasalaSettings, authorization: string | undefined): void {
  switch (metricsExposure(settings)) {
    case 'separate-port':
      throw new MasalaException(ErrorCode.NotFound, 'Metrics are served on the metrics port (MASALA_METRICS_PORT)');
    case 'disabled':
      throw new MasalaException(
        ErrorCode.NotFound,
        'Metrics are disabled; set MASALA_METRICS_TOKEN or MASALA_METRICS_PORT to enable them',
      );
    case 'token':
      if (!bearerMatches(authorization, settings.metricsToken!)) {
        throw new MasalaException(ErrorCode.Unauthenticated, 'A valid metrics bearer token is required', {
          headers: { 'WWW-Authenticate': 'Bearer realm="metrics"' },
        });
      }
  }
}
