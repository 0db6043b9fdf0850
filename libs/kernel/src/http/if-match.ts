import { ErrorCode, MasalaException } from '../errors/masala.exception.js';

/**
 * Parses If-Match: a version number, quoted ("3") or bare (3). Returns undefined when the header
 * is absent or `*`, so the change applies to whatever version is current. `*` matches any
 * current representation (RFC 9110, section 13.1.1), and the handler's not-found check already
 * rejects a missing resource. If-Match uses strong comparison, so a weak tag such as W/"3"
 * never matches.
 *
 * NOTE: a list of several entity tags ("2", "3") is rejected as invalid, not compared.
 */
export function parseIfMatch(header: string | undefined): number | undefined {
  const value = header?.trim() ?? '';
  if (value === '' || value === '*') return undefined;
  if (/^W\//.test(value)) {
    throw new MasalaException(ErrorCode.PreconditionFailed, 'If-Match compares strongly: a weak entity tag never matches');
  }
  const match = /^"?(\d{1,15})"?$/.exec(value);
  if (!match) {
    throw MasalaException.validation([
      { field: 'If-Match', rule: 'etag', message: 'If-Match must be a version as sent in the ETag header, such as "3", or *' },
    ]);
  }
  return Number(match[1]);
}

/**
 * Parses If-Match for a route that requires it: raises `missing()` when the header is absent or
 * empty, and otherwise returns what parseIfMatch returns (undefined for `*`).
 */
export function requireIfMatch(header: string | undefined, missing: () => Error): number | undefined {
  if (header === undefined || header.trim() === '') throw missing();
  return parseIfMatch(header);
}
