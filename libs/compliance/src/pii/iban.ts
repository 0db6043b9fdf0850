import { isValidIBAN } from 'ibantools';

import type { PiiMatch } from './pii-match.js';
import { WORD_CHARACTER } from './pii-match.js';

/** The longest IBAN has 34 characters (ISO 13616). */
const MAX_IBAN_LENGTH = 34;
/** A country code and two check digits at the start of a token. */
const IBAN_START = /(?<![\p{L}\p{N}])[A-Za-z]{2}[0-9]{2}/gu;
const ALPHANUMERIC = /[A-Za-z0-9]/;
/** Separators allowed between IBAN characters: a space or a no-break space. */
const SEPARATOR = /[ \u00A0]/;

/**
 * Finds IBANs in electronic form (`BE68539007547034`) or grouped with single spaces
 * (`BE68 5390 0754 7034`), in upper or lower case. ibantools checks the country's length and
 * BBAN format and the mod-97 checksum. When a valid IBAN is followed by more characters (for
 * example `BE68 5390 0754 7034 is mine`), the longest valid prefix that ends at a token
 * boundary wins.
 */
export function findIbans(text: string): PiiMatch[] {
  const matches: PiiMatch[] = [];
  let searchFrom = 0;
  for (const start of text.matchAll(IBAN_START)) {
    if (start.index < searchFrom) {
      continue;
    }
    const end = findIbanEnd(text, start.index);
    if (end !== undefined) {
      matches.push({ kind: 'iban', start: start.index, end, value: text.slice(start.index, end) });
      searchFrom = end;
    }
  }
  return matches;
}

/** Returns the end of the longest valid IBAN that starts at `start`, or undefined. */
function findIbanEnd(text: string, start: number): number | undefined {
  const boundaries: number[] = [];
  let length = 0;
  let position = start;
  while (position < text.length && length < MAX_IBAN_LENGTH) {
    const character = text[position] as string;
    if (ALPHANUMERIC.test(character)) {
      length++;
      position++;
      const next = text[position];
      if (next === undefined || !ALPHANUMERIC.test(next)) {
        boundaries.push(position);
      }
    } else if (SEPARATOR.test(character) && ALPHANUMERIC.test(text[position + 1] ?? '')) {
      position++;
    } else {
      break;
    }
  }

  for (const end of boundaries.reverse()) {
    const next = text[end];
    if (next !== undefined && WORD_CHARACTER.test(next)) {
      continue;
    }
    const compact = text.slice(start, end).replace(/[^A-Za-z0-9]/g, '').toUpperCase();
    if (isValidIBAN(compact)) {
      return end;
    }
  }
  return undefined;
}
