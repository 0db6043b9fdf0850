import { MasalaException, RequestContext, type Principal } from '#kernel';
import { IdentityException } from '../domain/identity.exception.js';

/** Returns the request's tenant on a public route, where the guard has not required one. */
export function requireRequestTenant(): string {
  const tenantId = RequestContext.current().tenantId;
  if (!tenantId) {
    throw MasalaException.validation(
      [{ field: 'X-Tenant-ID', rule: 'required', message: 'the X-Tenant-ID header (tenant slug) is required' }],
      'No tenant was named',
    );
  }
  return tenantId;
}

/** Rejects API keys on routes that act on the caller's own user account. */
export function requireUserPrincipal(principal: Principal): Principal {
  if (principal.actor.type !== 'user') throw IdentityException.userSessionRequired();
  return principal;
}
