import { ErrorCode, MasalaException } from '../errors/masala.exception.js';

/**
 * Parses If-Match: a version number, quoted ("3") or bare (3). Absent gives undefined. If-Match
 * uses strong comparison (RFC 9110, section 13.1.1), so a weak tag such as W/"3" never matches.
 */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '' || header.trim() === '*') return undefined;
  if (/^W\//.test(header.trim())) {
    throw new MasalaException(ErrorCode.PreconditionFailed, 'If-Match compares strongly: a weak entity tag never matches');
  }
  const match = /^"?(\d{1,15})"?$/.exec(header.trim());
  if (!match) {
    throw MasalaException.validation([
      { field: 'If-Match', rule: 'etag', message: 'If-Match must be a version as sent in the ETag header, such as "3"' },
    ]);
  }
  return Number(match[1]);
}
