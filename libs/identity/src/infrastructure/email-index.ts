import { Injectable } from '@nestjs/common';
import { createHmac, hkdfSync } from 'node:crypto';
import { normaliseEmail } from '../domain/email.js';
import { TokenService } from './token-service.js';

/**
 * Keyed blind index of e-mail addresses: HMAC-SHA256 under a per-tenant key, so exact-match
 * lookups never need the stored address and equal addresses differ between tenants.
 */
@Injectable()
export class EmailIndex {
  private readonly rootKey: Buffer;

  constructor(tokens: TokenService) {
    // TODO: derive from the master key once the key hierarchy is wired in; rotating the token
    // signing key currently invalidates every lookup value.
    this.rootKey = Buffer.from(hkdfSync('sha256', tokens.signingKey, 'masala', 'email-blind-index', 32));
  }

  lookupKey(tenantId: string, email: string): string {
    return createHmac('sha256', this.rootKey).update(`${tenantId}\n${normaliseEmail(email)}`).digest('base64url');
  }
}
