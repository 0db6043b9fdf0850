/** Kinds of personal data that the scrubber detects. */
export type PiiKind = 'email' | 'phone' | 'iban' | 'payment_card' | 'be_national_number';

/** All kinds, in the order that wins when two matches overlap. */
export const PII_KINDS: readonly PiiKind[] = [
  'email',
  'iban',
  'payment_card',
  'be_national_number',
  'phone',
];

/** A piece of personal data found in text. */
export interface PiiMatch {
  kind: PiiKind;
  /** UTF-16 index of the first character. */
  start: number;
  /** UTF-16 index after the last character, so `text.slice(start, end) === value`. */
  end: number;
  value: string;
}

/** Letters and digits of any script, which may not touch a match on either side. */
export const WORD_CHARACTER = /[\p{L}\p{N}]/u;
