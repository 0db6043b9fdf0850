import type { NextFunction, Request, Response } from 'express';
import { requestStateOf } from '../http/request-observer.js';

/** Paths still served normally while draining, so orchestrators can watch the instance stop. */
const HEALTH_PATHS = new Set(['/health/live', '/health/ready']);

/**
 * Counts the requests in flight and gates new ones during shutdown. Once draining starts,
 * every new request except the health checks gets a 503 problem with `Connection: close` and
 * `Retry-After`, while the requests already in flight run to completion.
 */
export class RequestLifecycle {
  private active = 0;
  private draining = false;
  private readonly idleWaiters: Array<() => void> = [];

  get inFlight(): number {
    return this.active;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** Express middleware; registered before every other middleware. */
  readonly gate = (request: Request, response: Response, next: NextFunction): void => {
    if (this.draining && !HEALTH_PATHS.has(request.path)) {
      this.reject(request, response);
      return;
    }
    this.active += 1;
    response.once('close', () => this.finished());
    if (this.draining) response.setHeader('Connection', 'close');
    next();
  };

  startDraining(): void {
    this.draining = true;
  }

  /** Resolves true once no request is in flight, or false when `timeoutMs` passes first. */
  waitUntilIdle(timeoutMs: number): Promise<boolean> {
    if (this.active === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  private finished(): void {
    this.active -= 1;
    if (this.active > 0) return;
    for (const wake of this.idleWaiters.splice(0)) wake();
  }

  private reject(request: Request, response: Response): void {
    const { correlationId } = requestStateOf(request, response);
    response.setHeader('Connection', 'close');
    response.setHeader('Retry-After', '1');
    response.status(503).type('application/problem+json');
    response.send(
      JSON.stringify({
        type: 'urn:ticket-masala:problem:unavailable',
        title: 'Service Unavailable',
        status: 503,
        detail: 'The server is shutting down; retry the request on another instance',
        errors: [],
        correlationId,
      }),
    );
  }
}
