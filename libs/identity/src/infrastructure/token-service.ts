import { Inject, Injectable, Logger } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHash, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { MASALA_SETTINGS, type MasalaSettings } from '#kernel';
import { RefreshToken } from '../domain/refresh-token.entity.js';
import type { User } from '../domain/user.entity.js';
import { loadTokenSigningKey } from './signing-key.js';

export const TOKEN_ISSUER = 'ticket-masala';
export const TOKEN_AUDIENCE = 'ticket-masala-api';
export const TOKEN_ALGORITHM = 'HS256';

/** Scope of an access token that may only enrol a second factor (mandatory two-factor sign-in). */
export const ENROLMENT_SCOPE = 'two_factor_enrolment';

/**
 * Allowance, in seconds, for clocks of the instances that sign and check tokens to differ, used
 * where an access token's issue time and lifetime are checked.
 */
export const TOKEN_CLOCK_SKEW_SECONDS = 30;

/** Maximum number of tokens whose verdict `tenantOfVerifiedToken` keeps. Past it, the map starts empty again. */
const VERIFIED_TOKENS_MAX = 10_000;

/** Lifetime of an enrolment-only access token, in seconds, when the normal lifetime is longer. */
const ENROLMENT_TOKEN_TTL_SECONDS = 600;

export interface AccessTokenClaims {
  sub: string;
  tid: string;
  ver: number;
  fam: string;
  typ: 'access';
  scp?: typeof ENROLMENT_SCOPE;
  /** Set by the signer from the configured lifetime. */
  exp?: number;
  /** Issue time in seconds since the epoch, set by the signer. */
  iat?: number;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

/**
 * The result of a login that must first enrol a second factor: an access token limited to the
 * two-factor setup routes, and no refresh token.
 */
export interface EnrolmentSession {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  twoFactorEnrolmentRequired: true;
}

export function hashOpaqueToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Signs access tokens (HS256 only, with issuer, audience, tenant and expiry) and issues refresh tokens. */
@Injectable()
export class TokenService {
  private readonly logger = new Logger(TokenService.name);
  readonly signingKey: Buffer;
  /**
   * The same key as a KeyObject. jsonwebtoken first tries to parse any other key type as a public
   * key on every verification, which cost about a tenth of a request's CPU time in a profile.
   */
  readonly verificationKey: KeyObject;
  private readonly jwt: JwtService;
  /** Verdicts of `tenantOfVerifiedToken` by token, until each token expires. */
  private readonly verifiedTokens = new Map<string, { tenantId: string; expiresAt: number }>();

  constructor(@Inject(MASALA_SETTINGS) private readonly settings: MasalaSettings) {
    const { key, generated } = loadTokenSigningKey(settings);
    if (generated) {
      this.logger.warn('Generated a new token signing key in the data folder; back it up with the data');
    }
    this.signingKey = key;
    this.verificationKey = createSecretKey(key);
    this.jwt = new JwtService({
      secret: key,
      signOptions: {
        algorithm: TOKEN_ALGORITHM,
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        expiresIn: settings.accessTokenTtlSeconds,
      },
    });
  }

  /**
   * Returns the tenant of an access token whose signature, algorithm, issuer, audience and expiry
   * verify, or undefined. It does not check revocation, which needs the user's row, so it only
   * serves decisions that a revoked token cannot abuse, such as rejecting a throttled tenant early.
   *
   * A flood repeats the same token, so the verdicts of valid tokens are kept until the token
   * expires, for at most VERIFIED_TOKENS_MAX tokens. Invalid tokens are not kept.
   */
  tenantOfVerifiedToken(token: string): string | undefined {
    const now = Date.now();
    const known = this.verifiedTokens.get(token);
    if (known !== undefined && known.expiresAt > now) return known.tenantId;
    let claims: AccessTokenClaims;
    try {
      claims = this.jwt.verify<AccessTokenClaims>(token, {
        // jsonwebtoken accepts a KeyObject; the @nestjs/jwt types predate that.
        secret: this.verificationKey as unknown as Buffer,
        algorithms: [TOKEN_ALGORITHM],
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
      });
    } catch {
      return undefined;
    }
    if (claims.typ !== 'access' || typeof claims.tid !== 'string' || typeof claims.exp !== 'number') return undefined;
    if (this.verifiedTokens.size >= VERIFIED_TOKENS_MAX) this.verifiedTokens.clear();
    this.verifiedTokens.set(token, { tenantId: claims.tid, expiresAt: claims.exp * 1000 });
    return claims.tid;
  }

  /** Issues a new access token and stores a new refresh token of `familyId` in the transaction. */
  async issue(manager: EntityManager, user: User, familyId: string): Promise<TokenPair> {
    const claims: AccessTokenClaims = {
      sub: user.id,
      tid: user.tenantId,
      ver: user.tokenVersion,
      fam: familyId,
      typ: 'access',
    };
    const accessToken = await this.jwt.signAsync(claims, { jwtid: crypto.randomUUID() });
    const refreshToken = `mrt_${randomBytes(32).toString('base64url')}`;
    const now = new Date();
    await manager.insert(RefreshToken, {
      tenantId: user.tenantId,
      id: crypto.randomUUID(),
      familyId,
      userId: user.id,
      tokenHash: hashOpaqueToken(refreshToken),
      expiresAt: new Date(now.getTime() + this.settings.refreshTokenTtlSeconds * 1000),
      usedAt: null,
      revokedAt: null,
      createdAt: now,
    });
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: this.settings.accessTokenTtlSeconds };
  }

  /** Issues an access token that only allows enrolling a second factor; it cannot be refreshed. */
  async issueEnrolmentSession(user: User): Promise<EnrolmentSession> {
    const expiresIn = Math.min(this.settings.accessTokenTtlSeconds, ENROLMENT_TOKEN_TTL_SECONDS);
    const claims: AccessTokenClaims = {
      sub: user.id,
      tid: user.tenantId,
      ver: user.tokenVersion,
      fam: crypto.randomUUID(),
      typ: 'access',
      scp: ENROLMENT_SCOPE,
    };
    const accessToken = await this.jwt.signAsync(claims, { jwtid: crypto.randomUUID(), expiresIn });
    return { accessToken, tokenType: 'Bearer', expiresIn, twoFactorEnrolmentRequired: true };
  }
}
