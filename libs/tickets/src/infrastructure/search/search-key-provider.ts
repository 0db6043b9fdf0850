import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import {
  MASALA_SETTINGS,
  MASTER_KEY_ENV,
  MASTER_KEY_FILE_ENV,
  deriveBlindIndexKey,
  loadMasterKey,
  type MasalaSettings,
} from '#kernel';

const MAX_CACHED_KEYS = 1024;
/** Bytes of HMAC output kept per term: 96 bits, so two words of one tenant collide with odds near 2^-96. */
const TERM_BYTES = 12;
const TERM_CONTEXT = 'ticket-masala/ticket-search/v1:';

/**
 * Turns search words into keyed terms, HMAC-SHA256 under the tenant's blind index key (derived
 * from the master key), so the search index stores no word in clear and a term of one tenant
 * never equals the same word's term in another.
 *
 * NOTE: the key comes straight from the master key with HKDF, as the kernel's blind indexes do.
 * Changing the master key changes every term, so the search index must then be rebuilt.
 */
@Injectable()
export class SearchKeyProvider {
  private readonly logger = new Logger(SearchKeyProvider.name);
  private masterKey?: Buffer;
  private readonly keys = new Map<string, Buffer>();

  constructor(@Inject(MASALA_SETTINGS) private readonly settings: MasalaSettings) {}

  /** Returns the keyed term for each word, in the same order; `w` keeps every term a word token. */
  termsFor(tenantId: string, words: readonly string[]): string[] {
    const key = this.keyFor(tenantId);
    return words.map(
      (word) => `w${createHmac('sha256', key).update(TERM_CONTEXT).update(word, 'utf8').digest().subarray(0, TERM_BYTES).toString('hex')}`,
    );
  }

  private keyFor(tenantId: string): Buffer {
    const cached = this.keys.get(tenantId);
    if (cached) return cached;
    const key = deriveBlindIndexKey(this.loadMasterKey(), tenantId);
    if (this.keys.size >= MAX_CACHED_KEYS) this.keys.delete(this.keys.keys().next().value!);
    this.keys.set(tenantId, key);
    return key;
  }

  private loadMasterKey(): Buffer {
    if (!this.masterKey) {
      const loaded = loadMasterKey({
        env: { [MASTER_KEY_FILE_ENV]: this.settings.masterKeyFile, [MASTER_KEY_ENV]: this.settings.masterKey },
        dataDir: this.settings.dataDir,
      });
      for (const warning of loaded.warnings) this.logger.warn(warning);
      this.masterKey = loaded.key;
    }
    return this.masterKey;
  }
}
