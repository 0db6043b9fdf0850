import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { RequestContext } from '#kernel';
import { TenantResolver } from '#tenancy';
import { requestStateOf } from './request-observer.js';

/**
 * First Nest middleware of every request: resolves the tenant and enters the AsyncLocalStorage
 * request context that guards, handlers and TypeORM subscribers read. The state object (with
 * the correlation id) comes from the request observer, which also logs the request.
 */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  constructor(private readonly tenants: TenantResolver) {}

  use(request: Request, response: Response, next: NextFunction): void {
    const state = requestStateOf(request, response);
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
}
