import { MasalaException } from '#kernel';

/** Parses If-Match: a version number, quoted ("3", W/"3") or bare (3). Absent gives undefined. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '' || header.trim() === '*') return undefined;
  const match = /^(?:W\/)?"?(\d{1,15})"?$/.exec(header.trim());
  if (!match) {
    throw MasalaException.validation([
      { field: 'If-Match', rule: 'etag', message: 'If-Match must be a version as sent in the ETag header, such as "3"' },
    ]);
  }
  return Number(match[1]);
}
