import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { MASALA_SETTINGS, RequestContext, TenantDatabase, findFlatOne, type MasalaSettings } from '#kernel';
import { IdentityException } from '../domain/identity.exception.js';
import type { IdentityPrincipal } from '../domain/identity-principal.js';
import { User } from '../domain/user.entity.js';
import { RoleCatalog } from '../infrastructure/role-catalog.js';
import {
  ENROLMENT_SCOPE,
  TOKEN_ALGORITHM,
  TOKEN_AUDIENCE,
  TOKEN_CLOCK_SKEW_SECONDS,
  TOKEN_ISSUER,
  TokenService,
  type AccessTokenClaims,
} from '../infrastructure/token-service.js';

/**
 * Bearer tokens: HS256 only (so `alg: none` and key confusion fail), with issuer, audience and
 * expiry checked by passport-jwt. The token's tenant must be the request's tenant, and its
 * version must match the user's, so logout, password change, disabling and erasure end it.
 * A token with the enrolment scope gets no permissions: the guard lets it reach only the
 * two-factor setup routes. A token must carry its issue time. One issued in the future or living
 * longer than the configured access token lifetime is rejected, because this service never signs
 * such a token.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    tokens: TokenService,
    private readonly database: TenantDatabase,
    private readonly roles: RoleCatalog,
    @Inject(MASALA_SETTINGS) private readonly settings: MasalaSettings,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // passport-jwt passes the key to jsonwebtoken, which accepts a KeyObject; its types predate that.
      secretOrKey: tokens.verificationKey as unknown as Buffer,
      algorithms: [TOKEN_ALGORITHM],
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
      ignoreExpiration: false,
      passReqToCallback: true,
    });
  }

  async validate(_request: Request, claims: AccessTokenClaims): Promise<IdentityPrincipal> {
    const context = RequestContext.current();
    if (claims.scp !== undefined && claims.scp !== ENROLMENT_SCOPE) {
      throw IdentityException.unauthenticated('The token has an unknown scope');
    }
    // TypeORM drops undefined values from a where clause, so a missing `sub` must never reach it.
    // jsonwebtoken accepts a token without `exp`, but every token this service signs has one.
    if (
      typeof claims.sub !== 'string' ||
      typeof claims.ver !== 'number' ||
      typeof claims.exp !== 'number' ||
      typeof claims.iat !== 'number'
    ) {
      throw IdentityException.unauthenticated('The token is malformed');
    }
    this.rejectExcessLifetime(claims.iat, claims.exp);
    if (claims.typ !== 'access' || !context.tenantId || claims.tid !== context.tenantId) {
      throw IdentityException.unauthenticated('The token is not valid for this tenant');
    }
    const tenantId = context.tenantId;
    // Only the columns the check needs: the encrypted profile fields are not read or decrypted.
    const user = await this.database.read(tenantId, (manager) =>
      findFlatOne(manager, User, { tenantId, id: claims.sub }, ['tenantId', 'id', 'status', 'tokenVersion', 'roles']),
    );
    if (!user || user.status !== 'active' || user.tokenVersion !== claims.ver) {
      throw IdentityException.unauthenticated('The token has been revoked');
    }
    const enrolmentOnly = claims.scp === ENROLMENT_SCOPE;
    return {
      tenantId,
      tenantSlug: context.tenantSlug ?? '',
      actor: { type: 'user', id: user.id, roles: user.roles },
      permissions: enrolmentOnly ? new Set<string>() : await this.roles.permissions(user.roles, tenantId),
      tokenVersion: user.tokenVersion,
      sessionFamily: claims.fam,
      ...(enrolmentOnly ? { twoFactorEnrolmentOnly: true } : {}),
    };
  }

  /** Rejects an issue time in the future and a lifetime longer than this service signs. */
  private rejectExcessLifetime(issuedAt: number, expiresAt: number): void {
    const now = Math.floor(Date.now() / 1000);
    if (issuedAt > now + TOKEN_CLOCK_SKEW_SECONDS) {
      throw IdentityException.unauthenticated('The token has an issue time in the future');
    }
    if (expiresAt - issuedAt > this.settings.accessTokenTtlSeconds + TOKEN_CLOCK_SKEW_SECONDS) {
      throw IdentityException.unauthenticated('The token lives longer than the access token lifetime allows');
    }
  }
}
