import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { Actor } from '../context/request-context.js';

/** Permissions a role can grant. Domain roles in masala_domains.yaml name them too. */
export const PERMISSIONS = [
  'tickets.create',
  'tickets.read',
  'tickets.read_all',
  'tickets.update',
  'tickets.transition',
  'tickets.assign',
  'tickets.delete',
  'comments.create',
  'comments.internal',
  'attachments.create',
  'projects.manage',
  'audit.read',
  'users.manage',
  'api_keys.manage',
  'settings.manage',
  'webhooks.manage',
  'consents.manage_own',
  'compliance.read',
  'compliance.export',
  'compliance.erase',
  'intake',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** What a route needs: a permission, any authenticated caller, or nothing (public). */
export type RouteAccess = Permission | 'authenticated' | 'public';

export const ROUTE_ACCESS_KEY = 'masala:route-access';

/** Declares what a route needs; every route must carry one, and a test enforces it. */
export const RequirePermission = (access: RouteAccess) => SetMetadata(ROUTE_ACCESS_KEY, access);
export const Public = () => RequirePermission('public');
export const Authenticated = () => RequirePermission('authenticated');

/** Returns the access that the request's route declares on its handler or controller, if any. */
export function routeAccessOf(reflector: Reflector, context: ExecutionContext): RouteAccess | undefined {
  return reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS_KEY, [context.getHandler(), context.getClass()]);
}

/** The verified caller of a request, set by the authentication guard. */
export interface Principal {
  tenantId: string;
  tenantSlug: string;
  actor: Actor;
  permissions: ReadonlySet<string>;
  /** Present for users (not API keys): the token version the access token was issued with. */
  tokenVersion?: number;
  sessionFamily?: string;
}

export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const request = context.switchToHttp().getRequest<{ principal?: Principal }>();
  if (!request.principal) throw new Error('CurrentPrincipal used on a route without authentication');
  return request.principal;
});
