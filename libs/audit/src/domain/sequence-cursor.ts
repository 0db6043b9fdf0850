import { MasalaException, decodeCursor, encodeCursor } from '#kernel';

/** Reads a page cursor that contains the sequence of the last entry of the previous page. */
export function decodeSequenceCursor(cursor: string | undefined): number | undefined {
  const decoded = decodeCursor(cursor);
  if (decoded === undefined) return undefined;
  if (typeof decoded.sort !== 'number' || !Number.isSafeInteger(decoded.sort) || decoded.sort < 0) {
    throw MasalaException.validation([
      {
        field: 'cursor',
        rule: 'cursor',
        message: 'cursor is invalid; pass the nextCursor of a previous page',
      },
    ]);
  }
  return decoded.sort;
}

export function encodeSequenceCursor(entry: { sequence: number; id: string }): string {
  return encodeCursor({ sort: entry.sequence, id: entry.id });
}
