import { describe, expect, it } from '@jest/globals';
import { GENESIS_HASH } from './audit-chain.js';
import {
  SEGMENT_FORMAT,
  SEGMENT_VERSION,
  SegmentFormatError,
  toSegmentLine,
  verifySegment,
  type SegmentHeader,
} from './audit-segment.js';
import { sealedChain } from './sealed-chain.fixture.js';

function segment(count: number): { header: SegmentHeader; lines: string[] } {
  const entries = sealedChain(count);
  const header: SegmentHeader = {
    format: SEGMENT_FORMAT,
    version: SEGMENT_VERSION,
    kind: 'archive',
    tenantId: 'tenant-a',
    tenantSlug: 'acme',
    from: null,
    to: '2026-02-01T00:00:00.000Z',
    entries: count,
    firstSequence: 1,
    lastSequence: count,
    firstPreviousHash: GENESIS_HASH,
    lastHash: entries.at(-1)!.hash,
    createdAt: '2026-02-02T00:00:00.000Z',
  };
  return { header, lines: [JSON.stringify(header), ...entries.map(toSegmentLine)] };
}

async function* asLines(lines: string[]): AsyncGenerator<string> {
  yield* lines;
}

describe('verifySegment', () => {
  it('accepts an intact segment', async () => {
    const { lines } = segment(4);
    const result = await verifySegment(asLines(lines));
    expect(result.valid).toBe(true);
    expect(result.entries).toBe(4);
  });

  it('reports the edited line', async () => {
    const { lines } = segment(4);
    lines[3] = lines[3]!.replace('ticket.updated', 'ticket.deleted');
    const result = await verifySegment(asLines(lines));
    expect(result.valid).toBe(false);
    expect(result.firstBrokenId).toBe('entry-3');
  });

  it('reports a truncated file', async () => {
    const { lines } = segment(4);
    const result = await verifySegment(asLines(lines.slice(0, -1)));
    expect(result.valid).toBe(false);
    expect(result.reason).toBe('header promises 4 entries, found 3');
  });

  it('reports a header whose last hash was changed', async () => {
    const { header, lines } = segment(2);
    lines[0] = JSON.stringify({ ...header, lastHash: 'f'.repeat(64) });
    const result = await verifySegment(asLines(lines));
    expect(result.valid).toBe(false);
    expect(result.reason).toBe('the last entry does not have the hash the header names');
  });

  it('reports an entry of another tenant', async () => {
    const { header, lines } = segment(2);
    lines[0] = JSON.stringify({ ...header, tenantId: 'tenant-b' });
    const result = await verifySegment(asLines(lines));
    expect(result.valid).toBe(false);
    expect(result.reason).toBe('entry belongs to another tenant');
  });

  it('rejects a file without a header', async () => {
    const { lines } = segment(2);
    await expect(verifySegment(asLines(lines.slice(1)))).rejects.toBeInstanceOf(SegmentFormatError);
    await expect(verifySegment(asLines([]))).rejects.toThrow('the file is empty');
  });

  it('rejects a line that is not JSON', async () => {
    const { lines } = segment(2);
    lines[2] = '{"broken"';
    await expect(verifySegment(asLines(lines))).rejects.toThrow('line 3 is not valid JSON');
  });
});
