/**
 * Bounded least-recently-used cache of unwrapped key material. Evicted and deleted buffers are
 * zeroed, so callers get copies from `get` and never hold a buffer that the cache may zero.
 */
export class KeyCache {
  private readonly entries = new Map<string, Buffer>();

  constructor(readonly maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`Key cache size must be a positive integer, got ${maxEntries}.`);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /** Returns a copy of the cached key, or undefined. Marks the entry as recently used. */
  get(keyId: string): Buffer | undefined {
    const material = this.entries.get(keyId);
    if (material === undefined) {
      return undefined;
    }
    // Map keeps insertion order, so re-inserting moves the entry to the most recent end.
    this.entries.delete(keyId);
    this.entries.set(keyId, material);
    return Buffer.from(material);
  }

  /** Stores a copy of the key material, evicting the least recently used entry when full. */
  set(keyId: string, material: Buffer): void {
    this.delete(keyId);
    this.entries.set(keyId, Buffer.from(material));
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) {
        break;
      }
      this.delete(oldest);
    }
  }

  delete(keyId: string): void {
    const material = this.entries.get(keyId);
    if (material !== undefined) {
      material.fill(0);
      this.entries.delete(keyId);
    }
  }

  clear(): void {
    for (const material of this.entries.values()) {
      material.fill(0);
    }
    this.entries.clear();
  }
}
