import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { IsNull, type EntityManager } from 'typeorm';
import { UserToken, type UserTokenPurpose } from '../domain/user-token.entity.js';
import { hashOpaqueToken } from './token-service.js';

const PREFIX: Record<UserTokenPurpose, string> = { invitation: 'mit_', password_reset: 'mpr_' };

/** Lifetimes of e-mailed tokens, in minutes. */
export const TOKEN_LIFETIME_MINUTES: Record<UserTokenPurpose, number> = {
  invitation: 72 * 60,
  password_reset: 30,
};

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

/** Issues and redeems the single-use tokens that invitations and password resets send by e-mail. */
@Injectable()
export class OneTimeTokens {
  /** Issues a token with 256 random bits; earlier unused tokens of the same purpose stop working. */
  async issue(manager: EntityManager, tenantId: string, userId: string, purpose: UserTokenPurpose): Promise<IssuedToken> {
    await manager.delete(UserToken, { tenantId, userId, purpose, usedAt: IsNull() });
    const token = `${PREFIX[purpose]}${randomBytes(32).toString('base64url')}`;
    const now = new Date();
    const expiresAt = new Date(now.getTime() + TOKEN_LIFETIME_MINUTES[purpose] * 60_000);
    await manager.insert(UserToken, {
      tenantId,
      id: crypto.randomUUID(),
      userId,
      purpose,
      tokenHash: hashOpaqueToken(token),
      expiresAt,
      usedAt: null,
      createdAt: now,
    });
    return { token, expiresAt };
  }

  /** Returns when a token of this purpose was last issued to the user, if one is still unused. */
  async lastIssuedAt(manager: EntityManager, tenantId: string, userId: string, purpose: UserTokenPurpose) {
    const open = await manager.findOne(UserToken, {
      where: { tenantId, userId, purpose, usedAt: IsNull() },
      order: { createdAt: 'DESC' },
    });
    return open?.createdAt ?? null;
  }

  /** Marks the token used and returns its user id; null when unknown, used, expired or of another purpose. */
  async redeem(manager: EntityManager, tenantId: string, purpose: UserTokenPurpose, token: string): Promise<string | null> {
    if (!token.startsWith(PREFIX[purpose])) return null;
    const stored = await manager.findOne(UserToken, { where: { tenantId, tokenHash: hashOpaqueToken(token) } });
    const now = new Date();
    if (!stored || stored.purpose !== purpose || stored.usedAt !== null || stored.expiresAt <= now) return null;
    stored.usedAt = now;
    await manager.save(stored);
    return stored.userId;
  }
}
