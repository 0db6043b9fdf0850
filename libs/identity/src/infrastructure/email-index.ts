import { Injectable } from '@nestjs/common';
import { FieldEncryption } from '#kernel';
import { normaliseEmail } from '../domain/email.js';

/**
 * Keyed blind index of e-mail addresses: HMAC-SHA256 under a per-tenant key derived from the
 * master key, so exact-match lookups never need the stored (encrypted) address and equal
 * addresses differ between tenants. Data key rotation leaves the index unchanged; a new master
 * key changes it, so the stored values must then be recomputed.
 */
@Injectable()
export class EmailIndex {
  constructor(private readonly encryption: FieldEncryption) {}

  lookupKey(tenantId: string, email: string): string {
    return this.encryption.blindIndex(tenantId, 'users.email', normaliseEmail(email));
  }
}
