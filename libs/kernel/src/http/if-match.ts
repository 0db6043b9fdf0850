import { SetMetadata } from '@nestjs/common';
import { ErrorCode, MasalaException } from '../errors/masala.exception.js';

/**
 * The versions an If-Match header names: one, or several when it lists several entity tags. A
 * change applies when the current version is one of them.
 */
export type ExpectedVersion = number | readonly number[];

/** Returns whether `current` is the version, or one of the versions, that If-Match named. */
export function versionMatches(expected: ExpectedVersion, current: number): boolean {
  return typeof expected === 'number' ? expected === current : expected.includes(current);
}

/** Formats the named versions for an error message, such as `3` or `2, 3`. */
export function describeExpectedVersion(expected: ExpectedVersion): string {
  return typeof expected === 'number' ? String(expected) : expected.join(', ');
}

/** One list element: optional `W/`, then a quoted tag or a bare one, then a comma or the end. */
const ENTITY_TAG = /^[ \t,]*(W\/)?(?:"([^"]*)"|([^\s,"]+))[ \t]*(?:,|$)/;
const VERSION = /^\d{1,15}$/;

/** Splits an If-Match list into its entity tags, or returns undefined when it is malformed. */
function splitEntityTags(value: string): Array<{ weak: boolean; tag: string }> | undefined {
  const tags: Array<{ weak: boolean; tag: string }> = [];
  let rest = value;
  // HTTP's list rule has recipients skip empty list elements, such as ", ," (RFC 7230, section 7).
  while (!/^[ \t,]*$/.test(rest)) {
    const match = ENTITY_TAG.exec(rest);
    if (!match) return undefined;
    tags.push({ weak: match[1] !== undefined, tag: match[2] ?? match[3]! });
    rest = rest.slice(match[0].length);
  }
  return tags;
}

const invalidIfMatch = () =>
  MasalaException.validation([
    {
      field: 'If-Match',
      rule: 'etag',
      message: 'If-Match must be *, or one or more versions as sent in the ETag header, such as "3" or "2", "3"',
    },
  ]);

/**
 * Parses If-Match: `*`, or a list of versions, each quoted ("3") or bare (3). Returns undefined
 * when the header is absent or `*`, so the change applies to whatever version is current. `*`
 * matches any current representation (RFC 9110, section 13.1.1), and the handler's not-found
 * check already rejects a missing resource. Returns one number for one version and an array for
 * several. If-Match uses strong comparison, so a weak tag such as W/"3" never matches. A header
 * of weak tags only fails with 412, and a list skips its weak tags beside the strong ones.
 */
export function parseIfMatch(header: string | undefined): ExpectedVersion | undefined {
  const value = header?.trim() ?? '';
  if (value === '' || value === '*') return undefined;
  const tags = splitEntityTags(value);
  if (!tags || tags.length === 0) throw invalidIfMatch();

  const strong = tags.filter((tag) => !tag.weak);
  if (strong.some((tag) => !VERSION.test(tag.tag))) throw invalidIfMatch();
  if (strong.length === 0) {
    throw new MasalaException(ErrorCode.PreconditionFailed, 'If-Match compares strongly: a weak entity tag never matches');
  }
  const versions = [...new Set(strong.map((tag) => Number(tag.tag)))];
  return versions.length === 1 ? versions[0]! : versions;
}

/**
 * Parses If-Match for a route that requires it: raises `missing()` when the header is absent or
 * empty, and otherwise returns what parseIfMatch returns (undefined for `*`).
 */
export function requireIfMatch(header: string | undefined, missing: () => Error): ExpectedVersion | undefined {
  if (header === undefined || header.trim() === '') throw missing();
  return parseIfMatch(header);
}

export const IF_MATCH_REQUIRED_KEY = 'masala:if-match-required';

/**
 * Declares, for the OpenAPI document, that the route rejects a request without If-Match with 428
 * (its handler calls `requireIfMatch`).
 */
export const IfMatchRequired = () => SetMetadata(IF_MATCH_REQUIRED_KEY, true);
