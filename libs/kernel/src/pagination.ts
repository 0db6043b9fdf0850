import { MasalaException } from './errors/masala.exception.js';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 25;

/** A page of results; `nextCursor` is null on the last page. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** Keyset position: the sort value and id of the last row of the previous page. */
export interface KeysetCursor {
  sort: string | number | null;
  id: string;
}

export function encodeCursor(cursor: KeysetCursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.id])).toString('base64url');
}

export function decodeCursor(value: string | undefined): KeysetCursor | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      (typeof parsed[0] === 'string' || typeof parsed[0] === 'number' || parsed[0] === null) &&
      typeof parsed[1] === 'string'
    ) {
      return { sort: parsed[0], id: parsed[1] };
    }
  } catch {
    // Fall through to the validation error below.
  }
  throw MasalaException.validation([
    { field: 'cursor', rule: 'cursor', message: 'cursor is invalid; pass the nextCursor of a previous page' },
  ]);
}
