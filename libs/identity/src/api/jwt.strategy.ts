import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { RequestContext, TenantDatabase, type Principal } from '#kernel';
import { IdentityException } from '../domain/identity.exception.js';
import { User } from '../domain/user.entity.js';
import { RoleCatalog } from '../infrastructure/role-catalog.js';
import {
  TOKEN_ALGORITHM,
  TOKEN_AUDIENCE,
  TOKEN_ISSUER,
  TokenService,
  type AccessTokenClaims,
} from '../infrastructure/token-service.js';

/**
 * Bearer tokens: HS256 only (so `alg: none` and key confusion fail), with issuer, audience and
 * expiry checked by passport-jwt. The token's tenant must be the request's tenant, and its
 * version must match the user's, so logout, password change, disabling and erasure end it.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    tokens: TokenService,
    private readonly database: TenantDatabase,
    private readonly roles: RoleCatalog,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: tokens.signingKey,
      algorithms: [TOKEN_ALGORITHM],
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
      ignoreExpiration: false,
      passReqToCallback: true,
    });
  }

  async validate(_request: Request, claims: AccessTokenClaims): Promise<Principal> {
    const context = RequestContext.current();
    if (claims.typ !== 'access' || !context.tenantId || claims.tid !== context.tenantId) {
      throw IdentityException.unauthenticated('The token is not valid for this tenant');
    }
    const tenantId = context.tenantId;
    const user = await this.database.read(tenantId, (manager) =>
      manager.findOne(User, { where: { tenantId, id: claims.sub } }),
    );
    if (!user || user.status !== 'active' || user.tokenVersion !== claims.ver) {
      throw IdentityException.unauthenticated('The token has been revoked');
    }
    return {
      tenantId,
      tenantSlug: context.tenantSlug ?? '',
      actor: { type: 'user', id: user.id, roles: user.roles },
      permissions: await this.roles.permissions(user.roles, tenantId),
      tokenVersion: user.tokenVersion,
      sessionFamily: claims.fam,
    };
  }
}
