import { describe, expect, it } from '@jest/globals';

import { KeyCache } from './key-cache.js';

describe('KeyCache', () => {
  it('evicts the least recently used key', () => {
    const cache = new KeyCache(2);
    cache.set('a', Buffer.alloc(32, 1));
    cache.set('b', Buffer.alloc(32, 2));
    cache.get('a');
    cache.set('c', Buffer.alloc(32, 3));

    expect(cache.size).toBe(2);
    expect(cache.get('a')).toEqual(Buffer.alloc(32, 1));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('c')).toEqual(Buffer.alloc(32, 3));
  });

  it('returns copies that eviction does not zero', () => {
    const cache = new KeyCache(1);
    cache.set('a', Buffer.alloc(32, 7));
    const copy = cache.get('a') as Buffer;
    cache.set('b', Buffer.alloc(32, 8));
    cache.delete('b');

    expect(copy).toEqual(Buffer.alloc(32, 7));
  });

  it('keeps its own copy of stored keys', () => {
    const cache = new KeyCache(4);
    const material = Buffer.alloc(32, 5);
    cache.set('a', material);
    material.fill(0);

    expect(cache.get('a')).toEqual(Buffer.alloc(32, 5));
  });

  it('rejects a non-positive size', () => {
    expect(() => new KeyCache(0)).toThrow(RangeError);
    expect(() => new KeyCache(1.5)).toThrow(RangeError);
  });
});
