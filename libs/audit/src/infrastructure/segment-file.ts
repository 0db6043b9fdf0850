import { createReadStream } from 'node:fs';
import { link, mkdir, open, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { SealedEntry } from '../domain/audit-chain.js';
import {
  toSegmentLine,
  verifySegment,
  type SegmentHeader,
  type SegmentVerification,
} from '../domain/audit-segment.js';

export class SegmentFileExistsError extends Error {
  constructor(readonly path: string) {
    super(`${path} already exists; choose another file`);
  }
}

/**
 * Writes a segment to `path` (mode 0600) through a temporary file that is synced and then linked
 * into place, so the path contains either nothing or the whole segment. An existing file at `path`
 * is never overwritten: the write fails with SegmentFileExistsError.
 */
export async function writeSegmentFile(
  path: string,
  header: SegmentHeader,
  batches: AsyncIterable<SealedEntry[]>,
  onEntry: (entry: SealedEntry) => void = () => undefined,
): Promise<void> {
  if (
    await stat(path).then(
      () => true,
      () => false,
    )
  )
    throw new SegmentFileExistsError(path);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const partial = `${path}.${crypto.randomUUID()}.partial`;
  const file = await open(partial, 'wx', 0o600);
  try {
    await file.write(`${JSON.stringify(header)}\n`);
    for await (const batch of batches) {
      for (const entry of batch) onEntry(entry);
      await file.write(batch.map((entry) => `${toSegmentLine(entry)}\n`).join(''));
    }
    await file.sync();
  } catch (error) {
    await file.close();
    await rm(partial, { force: true });
    throw error;
  }
  await file.close();
  try {
    await link(partial, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new SegmentFileExistsError(path);
    throw error;
  } finally {
    await rm(partial, { force: true });
  }
}

/** Verifies a segment file written by an export or an archive. */
export async function verifySegmentFile(path: string): Promise<SegmentVerification> {
  const lines = createInterface({
    input: createReadStream(path, { encoding: 'utf8' }),
    crlfDelay: Infinity,
  });
  try {
    return await verifySegment(lines);
  } finally {
    lines.close();
  }
}
