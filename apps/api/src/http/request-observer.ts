import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { RequestContextState } from '#kernel';
import type { MasalaMetrics } from '../metrics/masala-metrics.js';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const STATE = Symbol('masala.requestState');

type ObservedRequest = Request & { [STATE]?: RequestContextState };

/**
 * Returns the request's context state, creating it on first use: the correlation id (the
 * client's X-Correlation-Id when it is well formed, else a new UUID, echoed in the response),
 * the client address and the user agent. Tenant and actor are filled in later by the request
 * context middleware and the access guard, on the same object.
 */
export function requestStateOf(request: Request, response: Response): RequestContextState {
  const observed = request as ObservedRequest;
  if (observed[STATE]) return observed[STATE];
  const offered = request.header('x-correlation-id');
  const state: RequestContextState = {
    correlationId: offered && CORRELATION_ID.test(offered) ? offered : crypto.randomUUID(),
    ip: request.ip,
    userAgent: request.header('user-agent'),
  };
  response.setHeader('X-Correlation-Id', state.correlationId);
  observed[STATE] = state;
  return state;
}

/**
 * Express middleware ahead of everything else, so that every response carries a correlation id
 * and every request, matched or not, ends in one log line and the request metrics. The log line
 * names ids, the route pattern and the status only, never the raw path, query, headers or body,
 * which can carry personal data or tokens.
 */
export class RequestObserver {
  private readonly logger = new Logger('HTTP');

  constructor(private readonly metrics?: MasalaMetrics) {}

  readonly middleware = (request: Request, response: Response, next: NextFunction): void => {
    const started = performance.now();
    const state = requestStateOf(request, response);
    response.once('close', () => this.finish(request, response, state, started));
    next();
  };

  private finish(request: Request, response: Response, state: RequestContextState, started: number): void {
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
