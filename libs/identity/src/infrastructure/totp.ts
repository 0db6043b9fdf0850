import { Injectable } from '@nestjs/common';
import { generateSecret, generateURI, verify } from 'otplib';

/** Codes one 30-second step before or after the server clock are accepted, for clock drift. */
const TOLERANCE_SECONDS = 30;
const CODE_PATTERN = /^\d{6}$/;

/** RFC 6238 TOTP with the authenticator-app defaults (SHA-1, 6 digits, 30 seconds), via otplib 13. */
@Injectable()
export class Totp {
  /** Returns a new Base32 secret of 20 random bytes. */
  newSecret(): string {
    return generateSecret({ length: 20 });
  }

  uri(issuer: string, account: string, secret: string): string {
    return generateURI({ issuer, label: account, secret });
  }

  /**
   * Returns the time step of `code` when it is valid for `secret` and newer than `lastStep`,
   * else null. Storing the returned step as the next `lastStep` makes every code single-use.
   */
  async check(secret: string, code: string, lastStep: number | null): Promise<number | null> {
    if (!CODE_PATTERN.test(code)) return null;
    const result = await verify({
      secret,
      token: code,
      epochTolerance: TOLERANCE_SECONDS,
      ...(lastStep === null ? {} : { afterTimeStep: lastStep }),
    });
    // The functional API types HOTP and TOTP results together; only a TOTP result has timeStep.
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  }
}
