import type { DataSubject, FieldError } from '#kernel';
import type { CommonWordTest } from '../pii/common-words.js';

/** Shortest value, in characters, that erasure applies as an identifier. */
export const MIN_IDENTIFIER_LENGTH = 5;

/** Origin of an identifier: a field of the account, or the request's `identifiers`. */
export type IdentifierSource = 'email' | 'display_name' | 'email_local_part' | 'request';

/**
 * Records from which an identifier is erased. `tenant` is every record of the tenant. `linked_records` is only
 * the records linked to the subject: tickets they requested, are assigned to, watch or commented
 * on, comments they wrote, and records whose text contains a `tenant` identifier.
 */
export type IdentifierScope = 'tenant' | 'linked_records';

export interface PlannedIdentifier {
  value: string;
  source: IdentifierSource;
  /** Index in the request's `identifiers`, for values from the request. */
  position?: number;
  scope: IdentifierScope;
}

/** An identifier as the receipt lists it: its source and scope, never its value. */
export type ReceiptIdentifier = Omit<PlannedIdentifier, 'value'>;

export function toReceiptIdentifier({
  source,
  position,
  scope,
}: PlannedIdentifier): ReceiptIdentifier {
  return position === undefined ? { source, scope } : { source, position, scope };
}

export interface IdentifierPlan {
  identifiers: PlannedIdentifier[];
  /** Request values that cannot be applied, with field `identifiers`; empty when all can. */
  errors: FieldError[];
}

interface Weakness {
  rule: string;
  message: string;
}

/**
 * Tells why a value cannot identify a person on its own, or returns null. A value must have at
 * least MIN_IDENTIFIER_LENGTH characters and a letter or digit. A single word without digits
 * (punctuation aside) must not be a common word. Values of several words, or with a digit or an
 * `@`, pass: names, phone numbers, e-mail addresses and handles such as `a.smithers`.
 */
export function weaknessOf(value: string, isCommonWord: CommonWordTest): Weakness | null {
  if ([...value].length < MIN_IDENTIFIER_LENGTH) {
    return { rule: 'min_length', message: `must have at least ${MIN_IDENTIFIER_LENGTH} characters` };
  }
  const words = value.match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) {
    return { rule: 'letter_or_digit', message: 'must contain a letter or digit' };
  }
  const [word] = words;
  if (words.length === 1 && !/\p{N}/u.test(word!) && isCommonWord(word!)) {
    return {
      rule: 'common_word',
      message: `is the common word "${word}", and erasing it would change unrelated text. Send the phrase it appears in, such as a full name`,
    };
  }
  return null;
}

/**
 * Decides the identifiers of an erasure and the scope of each. The stored e-mail address is
 * erased tenant-wide. The display name and the e-mail handle are too, unless `weaknessOf` finds
 * them weak (a one-word name such as "Alex"), in which case only linked records lose them.
 * Request values are checked with `weaknessOf` and apply to linked records only, except an
 * address in `ownEmails` (the account's own, found through the e-mail lookup index), which is
 * erased tenant-wide like the stored one.
 */
export function planIdentifiers(
  subject: DataSubject,
  requested: readonly string[],
  isCommonWord: CommonWordTest,
  ownEmails: ReadonlySet<string>,
): IdentifierPlan {
  // Values are kept even when they repeat one another, so the receipt lists every request
  // value. A repeated value is still matched once, and one listed in both scopes is erased
  // tenant-wide.
  const identifiers: PlannedIdentifier[] = [];
  const stored = (value: string, source: IdentifierSource) => {
    const trimmed = value.trim();
    if (trimmed === '' || trimmed === '[erased]') return;
    const weak = source !== 'email' && weaknessOf(trimmed, isCommonWord) !== null;
    identifiers.push({ value: trimmed, source, scope: weak ? 'linked_records' : 'tenant' });
  };

  stored(subject.email, 'email');
  stored(subject.displayName, 'display_name');
  for (const alias of subject.aliases) stored(alias, 'email_local_part');

  const errors: FieldError[] = [];
  requested.forEach((raw, position) => {
    const value = raw.trim();
    const weakness = weaknessOf(value, isCommonWord);
    if (weakness) {
      errors.push({
        field: 'identifiers',
        rule: weakness.rule,
        message: `identifiers[${position}] ${weakness.message}`,
      });
      return;
    }
    const scope = ownEmails.has(value.toLowerCase()) ? 'tenant' : 'linked_records';
    identifiers.push({ value, source: 'request', position, scope });
  });
  return { identifiers, errors };
}
