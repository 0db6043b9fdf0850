import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import {
  ErrorCode,
  MasalaException,
  RequestContext,
  routeAccessOf,
  type Principal,
} from '#kernel';
import { IdentityException } from '../domain/identity.exception.js';
import { isEnrolmentOnly } from '../domain/identity-principal.js';
import { ENROLMENT_ROUTE_KEY } from './two-factor-enrolment.js';

/** Hook for credentials other than bearer tokens, such as API keys. */
export interface CredentialAuthenticator {
  /** Returns a principal when the request carries this kind of credential, else undefined. */
  authenticate(request: { headers: Record<string, string | string[] | undefined> }): Promise<Principal | undefined>;
}

class BearerTokenGuard extends AuthGuard('jwt') {
  override handleRequest<T>(error: unknown, principal: T): T {
    if (error instanceof MasalaException) throw error;
    if (error || !principal) throw IdentityException.unauthenticated();
    return principal;
  }
}

type GuardedRequest = { principal?: Principal; user?: Principal; headers: Record<string, string | string[] | undefined> };

/**
 * Global guard: every route declares what it needs with @RequirePermission, @Authenticated or
 * @Public. A route without a declaration is refused, so a forgotten decorator cannot open it.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly bearer = new BearerTokenGuard();
  private readonly authenticators: CredentialAuthenticator[] = [];

  constructor(private readonly reflector: Reflector) {}

  addAuthenticator(authenticator: CredentialAuthenticator): void {
    this.authenticators.push(authenticator);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = routeAccessOf(this.reflector, context);
    if (!access) {
      throw new MasalaException(ErrorCode.Forbidden, 'This route declares no permission and is closed');
    }
    if (access === 'public') return true;

    const state = RequestContext.current();
    if (!state.tenantId) {
      throw MasalaException.validation(
        [{ field: 'X-Tenant-ID', rule: 'required', message: 'the X-Tenant-ID header (tenant slug) is required' }],
        'No tenant was named',
      );
    }

    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const principal = await this.authenticate(context, request);
    request.principal = principal;
    state.actor = principal.actor;

    if (isEnrolmentOnly(principal) && !this.allowsEnrolmentSessions(context)) {
      throw IdentityException.twoFactorEnrolmentRequired();
    }

    if (access === 'authenticated' || principal.permissions.has(access)) return true;
    throw IdentityException.forbidden(access);
  }

  private allowsEnrolmentSessions(context: ExecutionContext): boolean {
    return this.reflector.get<boolean | undefined>(ENROLMENT_ROUTE_KEY, context.getHandler()) === true;
  }

  private async authenticate(context: ExecutionContext, request: GuardedRequest): Promise<Principal> {
    for (const authenticator of this.authenticators) {
      const principal = await authenticator.authenticate(request);
      if (principal) return principal;
    }
    await this.bearer.canActivate(context);
    if (!request.user) throw IdentityException.unauthenticated();
    return request.user;
  }
}
