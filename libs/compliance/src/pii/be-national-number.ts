import type { PiiMatch } from './pii-match.js';

/**
 * Belgian national register numbers (rijksregisternummer / numéro de registre national):
 * YY.MM.DD-XXX.CC, also written without separators or with spaces and dashes.
 */
const NATIONAL_NUMBER_PATTERN =
  /(?<![\p{L}\p{N}])(\d{2})[. ]?(\d{2})[. ]?(\d{2})[-. ]?(\d{3})[-. ]?(\d{2})(?![\p{L}\p{N}])/gu;

export function findBelgianNationalNumbers(text: string): PiiMatch[] {
  const matches: PiiMatch[] = [];
  for (const match of text.matchAll(NATIONAL_NUMBER_PATTERN)) {
    const digits = match.slice(1, 6).join('');
    if (isValidBelgianNationalNumber(digits)) {
      const start = match.index;
      const end = start + match[0].length;
      matches.push({ kind: 'be_national_number', start, end, value: match[0] });
    }
  }
  return matches;
}

/**
 * Checks an 11-digit national register number. The check number CC is 97 minus the first 9
 * digits modulo 97. For people born in 2000 or later a 2 is prepended to those 9 digits first.
 * The two-digit year cannot tell the centuries apart, so either rule is accepted.
 *
 * The month may be 00 (birth date unknown) or carry the +20 or +40 offset of a BIS number,
 * which uses the same check.
 */
export function isValidBelgianNationalNumber(value: string): boolean {
  const digits = value.replace(/[-. ]/g, '');
  if (!/^\d{11}$/.test(digits)) {
    return false;
  }
  const month = Number(digits.slice(2, 4)) % 20;
  const day = Number(digits.slice(4, 6));
  const monthOffset = Number(digits.slice(2, 4)) - month;
  if (month > 12 || monthOffset > 40 || day > 31) {
    return false;
  }

  const base = BigInt(digits.slice(0, 9));
  const check = Number(digits.slice(9));
  const bornBefore2000 = 97 - Number(base % 97n);
  const bornFrom2000 = 97 - Number((2_000_000_000n + base) % 97n);
  return check === bornBefore2000 || check === bornFrom2000;
}
