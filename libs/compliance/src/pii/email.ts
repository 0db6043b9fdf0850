import type { PiiMatch } from './pii-match.js';

/**
 * E-mail addresses as they appear in text: a local part of letters, digits and `._%+'-`, then
 * a domain of dot-separated labels ending in a letter-only or `xn--` top-level domain.
 * Unicode letters are allowed on both sides (internationalised addresses).
 * Quoted local parts and IP address literals such as `user@[192.0.2.1]` are not detected.
 */
const EMAIL_PATTERN = new RegExp(
  String.raw`(?<![\p{L}\p{N}._%+'-])[\p{L}\p{N}._%+'-]+@` +
    String.raw`(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+` +
    String.raw`(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})(?![\p{L}\p{N}-])`,
  'giu',
);

/** Characters that are valid in a local part but, at its start, are usually punctuation. */
const LEADING_PUNCTUATION = /^[.'-]+/u;

export function findEmailAddresses(text: string): PiiMatch[] {
  const matches: PiiMatch[] = [];
  for (const match of text.matchAll(EMAIL_PATTERN)) {
    // "'jan@example.be'" and "...jan@example.be" should not scrub the quote or the dots.
    const leading = LEADING_PUNCTUATION.exec(match[0])?.[0].length ?? 0;
    const value = match[0].slice(leading);
    if (value.startsWith('@')) {
      continue;
    }
    const start = match.index + leading;
    matches.push({ kind: 'email', start, end: start + value.length, value });
  }
  return matches;
}
