import { describe, expect, it } from '@jest/globals';
import { canonicalJson, ChainVerifier, hashEntry } from './audit-chain.js';
import { sealedChain } from './sealed-chain.fixture.js';

describe('canonicalJson', () => {
  it('sorts keys and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 1 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"e":1,"f":2}]},"b":1}',
    );
  });
});

describe('hashEntry', () => {
  it('keeps the hash of entries without personal fields', () => {
    const [entry] = sealedChain(1, () => ({ personalFields: [] }));
    const { personalFields: _ignored, ...withoutList } = entry!;
    expect(hashEntry({ ...withoutList, personalFields: undefined as unknown as string[] })).toBe(
      entry!.hash,
    );
  });

  it('covers the personal field list when present', () => {
    const [entry] = sealedChain(1);
    expect(hashEntry({ ...entry!, personalFields: [] })).not.toBe(entry!.hash);
    expect(hashEntry({ ...entry!, personalFields: ['title', 'description'] })).not.toBe(
      entry!.hash,
    );
  });
});

describe('ChainVerifier', () => {
  it('accepts an intact chain', () => {
    const verifier = new ChainVerifier();
    for (const entry of sealedChain(5)) verifier.add(entry);
    expect(verifier.result()).toEqual({ valid: true, entries: 5, startSequence: 1 });
  });

  it('reports an edited entry', () => {
    const entries = sealedChain(5);
    entries[2] = { ...entries[2]!, action: 'forged' };
    const verifier = new ChainVerifier();
    for (const entry of entries) verifier.add(entry);
    const result = verifier.result();
    expect(result.valid).toBe(false);
    expect(result.firstBrokenId).toBe('entry-3');
    expect(result.reason).toBe('content does not match its hash');
  });

  it('reports a removed entry at its successor', () => {
    const entries = sealedChain(5);
    entries.splice(1, 1);
    const verifier = new ChainVerifier();
    for (const entry of entries) verifier.add(entry);
    expect(verifier.result().firstBrokenId).toBe('entry-3');
    expect(verifier.result().reason).toBe('expected sequence 2, found 3');
  });

  it('reports a re-sealed entry whose successor still links the old hash', () => {
    const entries = sealedChain(4);
    const forged = { ...entries[1]!, newValues: { title: 'forged' } };
    forged.hash = hashEntry(forged);
    entries[1] = forged;
    const verifier = new ChainVerifier();
    for (const entry of entries) verifier.add(entry);
    expect(verifier.result().firstBrokenId).toBe('entry-3');
    expect(verifier.result().reason).toBe('previous hash does not match');
  });

  it('starts from an anchor after an archive', () => {
    const archived = sealedChain(3);
    const live = sealedChain(2, () => ({}), { previousHash: archived[2]!.hash, sequence: 4 });
    const verifier = new ChainVerifier({ previousHash: archived[2]!.hash, sequence: 4 });
    for (const entry of live) verifier.add(entry);
    expect(verifier.result()).toEqual({ valid: true, entries: 2, startSequence: 4 });
  });

  it('rejects an entry left below the anchor', () => {
    const entries = sealedChain(5);
    const verifier = new ChainVerifier({ previousHash: entries[2]!.hash, sequence: 4 });
    for (const entry of entries) verifier.add(entry);
    expect(verifier.result().firstBrokenId).toBe('entry-1');
  });
});
