import { isLuhnValid } from './luhn.js';
import type { PiiMatch } from './pii-match.js';

const MIN_CARD_DIGITS = 13;
const MAX_CARD_DIGITS = 19;
/** Digit groups separated by single spaces or dashes, not touching other letters or digits. */
const DIGIT_RUN = /(?<![\p{L}\p{N}])\d+(?:[ -]\d+)*(?![\p{L}\p{N}])/gu;

interface DigitGroup {
  start: number;
  end: number;
  digits: string;
}

/**
 * Finds payment card numbers: 13 to 19 digits that pass the Luhn check, written without
 * separators or in groups separated by spaces or dashes.
 *
 * In a grouped number every group must have at least 3 digits, as in the 4-4-4-4 and 4-6-5
 * card layouts. This keeps dates and short number lists from matching, because about 1 in 10
 * random digit strings passes the Luhn check. When groups can form several card numbers, the
 * longest one wins.
 */
export function findPaymentCards(text: string): PiiMatch[] {
  const matches: PiiMatch[] = [];
  for (const run of text.matchAll(DIGIT_RUN)) {
    const groups = splitGroups(run[0], run.index);
    let first = 0;
    while (first < groups.length) {
      const last = findLongestCard(groups, first);
      if (last === undefined) {
        first++;
        continue;
      }
      const start = (groups[first] as DigitGroup).start;
      const end = (groups[last] as DigitGroup).end;
      matches.push({ kind: 'payment_card', start, end, value: text.slice(start, end) });
      first = last + 1;
    }
  }
  return matches;
}

/** Returns the index of the last group of the longest card number starting at `first`. */
function findLongestCard(groups: DigitGroup[], first: number): number | undefined {
  let digits = '';
  let longest: number | undefined;
  for (let last = first; last < groups.length; last++) {
    const group = groups[last] as DigitGroup;
    if (groups.length > 1 && group.digits.length < 3) {
      break;
    }
    digits += group.digits;
    if (digits.length > MAX_CARD_DIGITS) {
      break;
    }
    if (digits.length >= MIN_CARD_DIGITS && isLuhnValid(digits)) {
      longest = last;
    }
  }
  return longest;
}

function splitGroups(run: string, offset: number): DigitGroup[] {
  const groups: DigitGroup[] = [];
  for (const group of run.matchAll(/\d+/g)) {
    const start = offset + group.index;
    groups.push({ start, end: start + group[0].length, digits: group[0] });
  }
  return groups;
}
