import { Injectable, Logger, Optional, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { RequestContext, type RequestContextState } from '#kernel';
import { TenantResolver } from '#tenancy';
import { MasalaMetrics } from '../metrics/masala-metrics.js';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * First middleware of every request: assigns the correlation id, resolves the tenant, enters
 * the AsyncLocalStorage request context that guards, handlers and TypeORM subscribers read,
 * and writes one log line and the request metrics when the response ends or the client aborts.
 * The log line names ids, the route pattern and the status only, never the raw path, query,
 * headers or body, which can carry personal data or tokens.
 */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  private readonly logger = new Logger('HTTP');

  constructor(
    private readonly tenants: TenantResolver,
    @Optional() private readonly metrics?: MasalaMetrics,
  ) {}

  use(request: Request, response: Response, next: NextFunction): void {
    const started = performance.now();
    const offered = request.header('x-correlation-id');
    const correlationId = offered && CORRELATION_ID.test(offered) ? offered : crypto.randomUUID();
    response.setHeader('X-Correlation-Id', correlationId);

    const state: RequestContextState = {
      correlationId,
      ip: request.ip,
      userAgent: request.header('user-agent'),
    };
    response.on('close', () => this.logRequest(request, response, state, started));

    RequestContext.run(state, () => {
      this.tenants
        .resolve({ host: request.header('host'), header: request.header('x-tenant-id') })
        .then((tenant) => {
          if (tenant) {
            state.tenantId = tenant.id;
            state.tenantSlug = tenant.slug;
          }
          next();
        })
        .catch(next);
    });
  }

  private logRequest(request: Request, response: Response, state: RequestContextState, started: number): void {
    const matched = (request.route as { path?: string } | undefined)?.path;
    const route = matched ? `${request.baseUrl}${matched}` : 'unmatched';
    const seconds = (performance.now() - started) / 1000;
    this.metrics?.observeRequest({
      method: request.method,
      route,
      status: response.statusCode,
      seconds,
      tenantSlug: state.tenantSlug,
    });
    this.logger.log({
      message: 'request',
      method: request.method,
      route,
      status: response.statusCode,
      ...(response.writableFinished ? {} : { aborted: true }),
      latencyMs: Math.round(seconds * 100_000) / 100,
      tenantId: state.tenantId,
      tenant: state.tenantSlug,
      actorType: state.actor?.type,
      actorId: state.actor?.id,
      correlationId: state.correlationId,
    });
  }
}
