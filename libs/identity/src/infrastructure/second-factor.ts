import { Injectable } from '@nestjs/common';
import { IsNull, type EntityManager } from 'typeorm';
import { FieldEncryption } from '#kernel';
import { RecoveryCode } from '../domain/recovery-code.entity.js';
import type { User } from '../domain/user.entity.js';
import {
  RECOVERY_CODE_COUNT,
  generateRecoveryCode,
  normaliseRecoveryCode,
} from './recovery-codes.js';
import { Totp } from './totp.js';

/** The second factor a caller offers: a TOTP code or a recovery code. */
export interface SecondFactorInput {
  otp?: string;
  recoveryCode?: string;
}

export type SecondFactorCheck =
  | { valid: true; method: 'otp' }
  | { valid: true; method: 'recovery_code'; remaining: number }
  | { valid: false };

/**
 * Checks and stores second factors: the TOTP secret (its column encrypts it with the tenant's
 * data key), the last accepted time step and the single-use recovery codes, stored as keyed
 * hashes (the tenant's blind index key). Methods that take a manager run inside the caller's
 * transaction, and the caller saves `user`.
 */
@Injectable()
export class SecondFactor {
  constructor(
    private readonly encryption: FieldEncryption,
    private readonly totp: Totp,
  ) {}

  /** Checks a TOTP code or a recovery code; a valid one is used up. */
  async verify(manager: EntityManager, user: User, input: SecondFactorInput): Promise<SecondFactorCheck> {
    if (input.otp !== undefined) {
      return (await this.acceptOtp(user, input.otp, user.twoFactorSecret)) ? { valid: true, method: 'otp' } : { valid: false };
    }
    if (input.recoveryCode !== undefined) {
      const remaining = await this.redeemRecoveryCode(manager, user, input.recoveryCode);
      return remaining === null ? { valid: false } : { valid: true, method: 'recovery_code', remaining };
    }
    return { valid: false };
  }

  /** Checks `code` against `secret` and records its time step on `user` when valid. */
  async acceptOtp(user: User, code: string, secret: string | null): Promise<boolean> {
    if (!secret) return false;
    const step = await this.totp.check(secret, code, user.twoFactorLastStep);
    if (step === null) return false;
    user.twoFactorLastStep = step;
    return true;
  }

  /** Starts enrolment: stores a new pending secret on `user` and returns it in clear. */
  beginEnrolment(user: User): string {
    const secret = this.totp.newSecret();
    user.twoFactorPendingSecret = secret;
    return secret;
  }

  otpauthUri(issuer: string, account: string, secret: string): string {
    return this.totp.uri(issuer, account, secret);
  }

  /** Replaces every recovery code of the user with new ones and returns them in clear, once. */
  async replaceRecoveryCodes(manager: EntityManager, user: User): Promise<string[]> {
    await this.removeRecoveryCodes(manager, user);
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => generateRecoveryCode());
    const now = new Date();
    await manager.insert(
      RecoveryCode,
      codes.map((code) => ({
        tenantId: user.tenantId,
        id: crypto.randomUUID(),
        userId: user.id,
        codeHash: this.hashRecoveryCode(user, code),
        usedAt: null,
        createdAt: now,
      })),
    );
    return codes;
  }

  async removeRecoveryCodes(manager: EntityManager, user: User): Promise<void> {
    await manager.delete(RecoveryCode, { tenantId: user.tenantId, userId: user.id });
  }

  /** Marks a matching unused code used; returns how many remain, or null when none matched. */
  private async redeemRecoveryCode(manager: EntityManager, user: User, code: string): Promise<number | null> {
    const { tenantId, id: userId } = user;
    const codeHash = this.hashRecoveryCode(user, code);
    const stored = await manager.findOne(RecoveryCode, { where: { tenantId, codeHash } });
    if (!stored || stored.userId !== userId || stored.usedAt !== null) return null;
    stored.usedAt = new Date();
    await manager.save(stored);
    return manager.count(RecoveryCode, { where: { tenantId, userId, usedAt: IsNull() } });
  }

  /** Keyed hash bound to the user, so equal codes of two users differ. */
  private hashRecoveryCode(user: User, code: string): string {
    const value = `${user.id}:${normaliseRecoveryCode(code)}`;
    return this.encryption.blindIndex(user.tenantId, 'recovery_codes.code', value, 'none');
  }
}
