import { Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { FieldEncryption } from '#kernel';

const MAX_CACHED_KEYS = 1024;
/** Bytes of HMAC output kept per term: 96 bits, so two words of one tenant collide with odds near 2^-96. */
const TERM_BYTES = 12;
const TERM_CONTEXT = 'ticket-masala/ticket-search/v1:';

/**
 * Turns search words into keyed terms, HMAC-SHA256 under the tenant's blind index key from the
 * kernel's key ring, so the search index stores no word in clear and a term of one tenant never
 * equals the same word's term in another.
 *
 * NOTE: the blind index key is derived from the master key, not from the rotating tenant data
 * keys. Changing the master key changes every term, so the search index must then be rebuilt.
 */
@Injectable()
export class SearchKeyProvider {
  private readonly keys = new Map<string, Buffer>();

  constructor(private readonly encryption: FieldEncryption) {}

  /** Returns the keyed term for each word, in the same order; `w` keeps every term a word token. */
  termsFor(tenantId: string, words: readonly string[]): string[] {
    const key = this.keyFor(tenantId);
    return words.map((word) => {
      const digest = createHmac('sha256', key).update(TERM_CONTEXT).update(word, 'utf8').digest();
      return `w${digest.subarray(0, TERM_BYTES).toString('hex')}`;
    });
  }

  private keyFor(tenantId: string): Buffer {
    const cached = this.keys.get(tenantId);
    if (cached) return cached;
    const key = this.encryption.ring.blindIndexKey(tenantId);
    if (this.keys.size >= MAX_CACHED_KEYS) {
      const oldest = this.keys.keys().next().value!;
      this.keys.get(oldest)?.fill(0);
      this.keys.delete(oldest);
    }
    this.keys.set(tenantId, key);
    return key;
  }
}
