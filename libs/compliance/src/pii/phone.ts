import {
  findPhoneNumbersInText,
  isSupportedCountry,
  parsePhoneNumberFromString,
  type CountryCode,
  type PhoneNumber,
} from 'libphonenumber-js/max';

import type { PiiMatch } from './pii-match.js';
import { WORD_CHARACTER } from './pii-match.js';

/** Digits with the punctuation that phone numbers use, starting with a digit, `+` or `(`. */
const PHONE_LIKE_RUN = /[+(\d][\d \t\u00A0().\/+-]*\d/g;
/** Characters after which a number may start inside a run: white space or a slash. */
const CANDIDATE_START_AFTER = /[\s/]/;
/** Digit counts tried by the second pass. E.164 numbers have at most 15 digits plus a prefix. */
const MIN_CANDIDATE_DIGITS = 6;
const MAX_CANDIDATE_DIGITS = 17;
/** Dates such as 01-05-2024, 1/5/24 or 2024.05.01, which some countries' numbers resemble. */
const DATE_LIKE = /^(?:\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})$/;

/**
 * Finds phone numbers with libphonenumber-js and its full ("max") metadata, which checks each
 * number against the number ranges of its country.
 *
 * `defaultCountry` applies to numbers written without an international prefix. Such a number
 * must include its national prefix as in `0470 12 34 56`. This keeps ticket and order numbers
 * such as `12345678` from matching as Belgian fixed-line numbers. As a result, `470 12 34 56`
 * is not detected.
 */
export function findPhoneNumbers(text: string, defaultCountry: CountryCode): PiiMatch[] {
  if (!isSupportedCountry(defaultCountry)) {
    throw new RangeError(
      `Unsupported default country "${defaultCountry}" for phone numbers: use an ISO 3166-1 ` +
        'alpha-2 code that libphonenumber-js supports, such as BE.',
    );
  }

  const matches: PiiMatch[] = [];
  // libphonenumber-js 1.13 reads ", 0471" after a number as an extension and then rejects or
  // truncates both numbers. A comma or semicolon becomes a space, which keeps every index.
  const searchable = text.replace(/[,;]/g, ' ');
  for (const found of findPhoneNumbersInText(searchable, { defaultCountry })) {
    addIfWrittenInFull(matches, text, found.startsAt, found.endsAt, found.number);
  }
  findInPhoneLikeRuns(text, defaultCountry, matches);
  return matches;
}

/**
 * Parses the digit groups of each phone-like run again. `findPhoneNumbersInText` parses all
 * digits of a run as one candidate and, when that fails, retries only single space-separated
 * groups. So it misses a number after other digits and a space ("ticket 7 02 511 22 33") and
 * numbers in space-separated lists ("0470 12 34 56 0471 23 45 67").
 *
 * From each group start this tries the longest candidate first, ending at group ends with 6 to
 * 17 digits. That is up to 12 parses per digit group, so long lists of short digit groups cost
 * the most.
 */
function findInPhoneLikeRuns(text: string, defaultCountry: CountryCode, matches: PiiMatch[]): void {
  // Long runs of repeated groups produce the same candidate text many times.
  const parsed = new Map<string, PhoneNumber | undefined>();
  const parse = (candidate: string): PhoneNumber | undefined => {
    if (!parsed.has(candidate)) {
      const number = parsePhoneNumberFromString(candidate, { defaultCountry, extract: false });
      parsed.set(candidate, number?.isValid() ? number : undefined);
    }
    return parsed.get(candidate);
  };

  for (const run of text.matchAll(PHONE_LIKE_RUN)) {
    const groups = splitDigitGroups(run[0], run.index);
    for (let first = 0; first < groups.length; first++) {
      const start = (groups[first] as DigitGroup).start;
      if (!isCandidateStart(text, start, run.index) || overlapsAny(matches, start, start + 1)) {
        continue;
      }
      for (const end of candidateEnds(groups, first)) {
        const candidate = text.slice(start, end);
        const number = DATE_LIKE.test(candidate) ? undefined : parse(candidate);
        if (number !== undefined && addIfWrittenInFull(matches, text, start, end, number)) {
          while (first + 1 < groups.length && (groups[first + 1] as DigitGroup).start < end) {
            first++;
          }
          break;
        }
      }
    }
  }
}

interface DigitGroup {
  start: number;
  end: number;
  digitCount: number;
}

/** Splits a run into digit groups, each with its leading `+` or `(` and trailing `)`. */
function splitDigitGroups(run: string, offset: number): DigitGroup[] {
  return [...run.matchAll(/[+(]*\d+\)?/g)].map((group) => ({
    start: offset + group.index,
    end: offset + group.index + group[0].length,
    digitCount: group[0].replace(/\D/g, '').length,
  }));
}

/** Returns the ends of candidates starting at group `first`, longest first. */
function candidateEnds(groups: readonly DigitGroup[], first: number): number[] {
  const ends: number[] = [];
  let digitCount = 0;
  for (let last = first; last < groups.length; last++) {
    const group = groups[last] as DigitGroup;
    digitCount += group.digitCount;
    if (digitCount > MAX_CANDIDATE_DIGITS) {
      break;
    }
    if (digitCount >= MIN_CANDIDATE_DIGITS) {
      ends.push(group.end);
    }
  }
  return ends.reverse();
}

function isCandidateStart(text: string, start: number, runStart: number): boolean {
  const previous = text[start - 1];
  if (previous !== undefined && WORD_CHARACTER.test(previous)) {
    return false;
  }
  return start === runStart || CANDIDATE_START_AFTER.test(previous as string);
}

/** Adds the match unless it overlaps another or omits the national or international prefix. */
function addIfWrittenInFull(
  matches: PiiMatch[],
  text: string,
  start: number,
  end: number,
  number: PhoneNumber,
): boolean {
  const value = text.slice(start, end);
  const next = text[end];
  if (next !== undefined && WORD_CHARACTER.test(next)) {
    return false;
  }
  if (!isWrittenInFull(value, number) || overlapsAny(matches, start, end)) {
    return false;
  }
  insertSorted(matches, { kind: 'phone', start, end, value });
  return true;
}

/**
 * Returns whether the text shows the number in international form (`+32 …`, `0032 …`) or in
 * national form including the national prefix (`0470 …` in Belgium).
 */
function isWrittenInFull(value: string, number: PhoneNumber): boolean {
  if (/^\(?[+\uFF0B]/.test(value)) {
    return true;
  }
  const extensionLength = number.ext?.length ?? 0;
  const written = withoutLast(digitsOf(value), extensionLength);
  const national = withoutLast(digitsOf(number.formatNational()), extensionLength);
  if (written === national) {
    return true;
  }
  const international = `${number.countryCallingCode}${number.nationalNumber}`;
  return written.length > international.length && written.endsWith(international);
}

function digitsOf(text: string): string {
  return text.replace(/\D/g, '');
}

function withoutLast(text: string, count: number): string {
  return count === 0 ? text : text.slice(0, -count);
}

/**
 * Returns whether [start, end) overlaps a match. `matches` is sorted by start and its entries
 * do not overlap, so only the last match that starts before `end` can overlap.
 */
function overlapsAny(matches: readonly PiiMatch[], start: number, end: number): boolean {
  const index = countStartingBefore(matches, end) - 1;
  return index >= 0 && (matches[index] as PiiMatch).end > start;
}

/** Inserts a match, keeping `matches` sorted by start. */
function insertSorted(matches: PiiMatch[], match: PiiMatch): void {
  matches.splice(countStartingBefore(matches, match.start), 0, match);
}

/** Binary search for the number of matches that start before `position`. */
function countStartingBefore(matches: readonly PiiMatch[], position: number): number {
  let low = 0;
  let high = matches.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((matches[middle] as PiiMatch).start < position) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low;
}
