import { findPersonalData, type FindPersonalDataOptions } from './find-personal-data.js';
import type { PiiKind } from './pii-match.js';

export const DEFAULT_PLACEHOLDERS: Readonly<Record<PiiKind, string>> = {
  email: '[email]',
  phone: '[phone]',
  iban: '[iban]',
  payment_card: '[card]',
  be_national_number: '[national-number]',
};

/** Placeholder that `scrubKnownValues` writes by default. */
export const ERASED_PLACEHOLDER = '[erased]';

export interface ScrubOptions extends FindPersonalDataOptions {
  /** Replacement text per kind. Kinds left out use DEFAULT_PLACEHOLDERS. */
  placeholders?: Partial<Record<PiiKind, string>>;
}

export interface ScrubResult {
  text: string;
  /** Number of replacements per kind, 0 for kinds not found. */
  counts: Record<PiiKind, number>;
}

/** Replaces every match of `findPersonalData` by the placeholder of its kind. */
export function scrubPersonalData(text: string, options: ScrubOptions = {}): ScrubResult {
  const placeholders = { ...DEFAULT_PLACEHOLDERS, ...options.placeholders };
  const counts: Record<PiiKind, number> = {
    email: 0,
    phone: 0,
    iban: 0,
    payment_card: 0,
    be_national_number: 0,
  };

  const parts: string[] = [];
  let position = 0;
  for (const match of findPersonalData(text, options)) {
    parts.push(text.slice(position, match.start), placeholders[match.kind]);
    counts[match.kind]++;
    position = match.end;
  }
  parts.push(text.slice(position));
  return { text: parts.join(''), counts };
}

/**
 * Replaces every case-insensitive occurrence of the given values (a person's name, e-mail
 * address, user name) by `[erased]`, for erasure requests.
 *
 * A value that starts or ends with a letter or digit matches only as a whole word, so erasing
 * "Jan" leaves "Januari" alone. White space inside a value matches any run of white space, so
 * "Jan Peeters" also matches "Jan\n  Peeters". Longer values win over values they contain.
 * Blank values are ignored.
 */
export function scrubKnownValues(
  text: string,
  values: readonly string[],
  placeholder: string = ERASED_PLACEHOLDER,
): string {
  return compileKnownValues(values, placeholder).scrub(text);
}

/** Known values compiled once, for scrubbing or testing many texts. */
export interface KnownValuesMatcher {
  /** Replaces each occurrence, as `scrubKnownValues` does. */
  scrub(text: string): string;
  /** Tells whether the text contains one of the values, with the same matching rules. */
  test(text: string): boolean;
}

/** Compiles `values` with the matching rules of `scrubKnownValues`. */
export function compileKnownValues(
  values: readonly string[],
  placeholder: string = ERASED_PLACEHOLDER,
): KnownValuesMatcher {
  const unique = new Map<string, string>();
  for (const value of values) {
    const trimmed = value.trim();
    if (trimmed !== '') {
      unique.set(trimmed.toLowerCase(), trimmed);
    }
  }
  if (unique.size === 0) {
    return { scrub: (text) => text, test: () => false };
  }

  const alternatives = [...unique.values()]
    .sort((a, b) => b.length - a.length)
    .map(toWholeWordPattern);
  const source = alternatives.join('|');
  const replacing = new RegExp(source, 'giu');
  const testing = new RegExp(source, 'iu');
  return {
    scrub: (text) => text.replace(replacing, () => placeholder),
    test: (text) => testing.test(text),
  };
}

function toWholeWordPattern(value: string): string {
  const body = value.split(/\s+/u).map(escapeRegExp).join(String.raw`\s+`);
  const start = /^[\p{L}\p{N}]/u.test(value) ? String.raw`(?<![\p{L}\p{N}])` : '';
  const end = /[\p{L}\p{N}]$/u.test(value) ? String.raw`(?![\p{L}\p{N}])` : '';
  return `${start}${body}${end}`;
}

/** Escapes the syntax characters of a `u`-flag regular expression, which rejects other escapes. */
function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, String.raw`\$&`);
}
