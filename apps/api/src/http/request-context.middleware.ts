import { Injectable, Logger, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { RequestContext, type RequestContextState } from '#kernel';
import { TenantResolver } from '#tenancy';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * First middleware of every request: assigns the correlation id, resolves the tenant, enters
 * the AsyncLocalStorage request context that guards, handlers and TypeORM subscribers read,
 * and writes one log line per request when the response finishes.
 */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  private readonly logger = new Logger('HTTP');

  constructor(private readonly tenants: TenantResolver) {}

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
    response.on('finish', () => this.logRequest(request, response, state, started));

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
    const route = (request.route as { path?: string } | undefined)?.path;
    this.logger.log({
      message: 'request',
      method: request.method,
      route: route ? `${request.baseUrl}${route}` : 'unmatched',
      status: response.statusCode,
      latencyMs: Math.round((performance.now() - started) * 100) / 100,
      tenantId: state.tenantId,
      actorId: state.actor?.id,
      correlationId: state.correlationId,
    });
  }
}
