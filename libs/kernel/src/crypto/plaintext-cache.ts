/**
 * Bounded least-recently-used cache of decrypted field values, keyed by the envelope text and
 * its AAD context. An envelope's text contains its key id, random IV and authentication tag, and
 * with the context it also fixes the AAD. While the key exists, the envelope therefore always
 * decrypts to the same plaintext, so a cached value cannot go stale.
 *
 * The budget counts the UTF-16 size of keys and values plus a fixed overhead per entry, in bytes.
 * An entry larger than an eighth of the budget is not stored, so one large value cannot empty
 * the cache.
 */
export class PlaintextCache {
  /** Estimated bytes of one entry besides its strings: the map slot and two string headers. */
  static readonly ENTRY_OVERHEAD_BYTES = 96;

  private readonly entries = new Map<string, string>();
  private bytes = 0;

  constructor(readonly maxBytes: number) {
    if (!Number.isInteger(maxBytes) || maxBytes < 0) {
      throw new RangeError(`Plaintext cache size must be a whole number of bytes, got ${maxBytes}.`);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** Estimated bytes held, as counted against `maxBytes`. */
  get usedBytes(): number {
    return this.bytes;
  }

  /** Returns the cached plaintext, or undefined. Marks the entry as recently used. */
  get(context: string, envelope: string): string | undefined {
    if (this.maxBytes === 0) return undefined;
    const key = cacheKey(context, envelope);
    const plaintext = this.entries.get(key);
    if (plaintext === undefined) return undefined;
    // Map keeps insertion order, so re-inserting moves the entry to the most recent end.
    this.entries.delete(key);
    this.entries.set(key, plaintext);
    return plaintext;
  }

  /** Stores a plaintext, evicting the least recently used entries until the total fits the budget. */
  set(context: string, envelope: string, plaintext: string): void {
    const key = cacheKey(context, envelope);
    const cost = entryCost(key, plaintext);
    if (cost * 8 > this.maxBytes) return;
    const previous = this.entries.get(key);
    if (previous !== undefined) {
      this.entries.delete(key);
      this.bytes -= entryCost(key, previous);
    }
    this.entries.set(key, plaintext);
    this.bytes += cost;
    for (const [oldest, value] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= entryCost(oldest, value);
    }
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}

function cacheKey(context: string, envelope: string): string {
  return `${context}\u0000${envelope}`;
}

function entryCost(key: string, plaintext: string): number {
  return 2 * (key.length + plaintext.length) + PlaintextCache.ENTRY_OVERHEAD_BYTES;
}
