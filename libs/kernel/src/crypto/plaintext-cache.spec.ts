import { describe, expect, it } from '@jest/globals';

import { PlaintextCache } from './plaintext-cache.js';

const cost = (context: string, envelope: string, plaintext: string) =>
  2 * (context.length + 1 + envelope.length + plaintext.length) + PlaintextCache.ENTRY_OVERHEAD_BYTES;

describe('PlaintextCache', () => {
  it('returns a stored plaintext for its context only', () => {
    const cache = new PlaintextCache(4096);
    cache.set('tickets.description', 'enc:v1:a', 'Floor 3');

    expect(cache.get('tickets.description', 'enc:v1:a')).toBe('Floor 3');
    expect(cache.get('users.email', 'enc:v1:a')).toBeUndefined();
    expect(cache.get('tickets.description', 'enc:v1:b')).toBeUndefined();
  });

  it('evicts the least recently used entries to stay within budget', () => {
    const entry = cost('c', 'e1', 'p1');
    const cache = new PlaintextCache(entry * 8);
    for (let index = 1; index <= 8; index += 1) cache.set('c', `e${index}`, `p${index}`);
    cache.get('c', 'e1');
    cache.set('c', 'e9', 'p9');

    expect(cache.size).toBe(8);
    expect(cache.usedBytes).toBeLessThanOrEqual(cache.maxBytes);
    expect(cache.get('c', 'e1')).toBe('p1');
    expect(cache.get('c', 'e2')).toBeUndefined();
    expect(cache.get('c', 'e9')).toBe('p9');
  });

  it('skips an entry larger than an eighth of the budget', () => {
    const cache = new PlaintextCache(1024);
    cache.set('c', 'e', 'x'.repeat(100));

    expect(cache.size).toBe(0);
    expect(cache.usedBytes).toBe(0);
  });

  it('counts a replaced entry once', () => {
    const cache = new PlaintextCache(4096);
    cache.set('c', 'e', 'first');
    cache.set('c', 'e', 'first');

    expect(cache.size).toBe(1);
    expect(cache.usedBytes).toBe(cost('c', 'e', 'first'));
  });

  it('keeps nothing with a zero budget', () => {
    const cache = new PlaintextCache(0);
    cache.set('c', 'e', 'p');

    expect(cache.get('c', 'e')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('empties on clear', () => {
    const cache = new PlaintextCache(4096);
    cache.set('c', 'e', 'p');
    cache.clear();

    expect(cache.get('c', 'e')).toBeUndefined();
    expect(cache.usedBytes).toBe(0);
  });

  it('rejects an invalid budget', () => {
    expect(() => new PlaintextCache(-1)).toThrow(RangeError);
    expect(() => new PlaintextCache(1.5)).toThrow(RangeError);
  });
});
