import type { CountryCode } from 'libphonenumber-js/max';

import { findBelgianNationalNumbers } from './be-national-number.js';
import { findEmailAddresses } from './email.js';
import { findIbans } from './iban.js';
import { findPaymentCards } from './payment-card.js';
import { findPhoneNumbers } from './phone.js';
import { PII_KINDS, type PiiKind, type PiiMatch } from './pii-match.js';

export interface FindPersonalDataOptions {
  /** Country of phone numbers written without an international prefix. Defaults to BE. */
  defaultCountry?: CountryCode;
  /** Kinds to detect. Defaults to every kind. */
  kinds?: readonly PiiKind[];
}

/**
 * Finds e-mail addresses, phone numbers, IBANs, payment card numbers and Belgian national
 * register numbers in free text. Returns matches sorted by position that never overlap.
 *
 * When matches of two kinds overlap, the kind earlier in PII_KINDS wins: e-mail, IBAN, payment
 * card, national number, then phone. For example, the digits of `+32470123456@example.be` are
 * part of an e-mail address, and the digits of a German IBAN are not a card number.
 */
export function findPersonalData(text: string, options: FindPersonalDataOptions = {}): PiiMatch[] {
  const kinds = new Set(options.kinds ?? PII_KINDS);
  const defaultCountry = options.defaultCountry ?? 'BE';

  const accepted: PiiMatch[] = [];
  for (const kind of PII_KINDS) {
    if (!kinds.has(kind)) {
      continue;
    }
    for (const match of findKind(kind, text, defaultCountry)) {
      if (!accepted.some((other) => match.start < other.end && match.end > other.start)) {
        accepted.push(match);
      }
    }
  }
  return accepted.sort((a, b) => a.start - b.start);
}

function findKind(kind: PiiKind, text: string, defaultCountry: CountryCode): PiiMatch[] {
  switch (kind) {
    case 'email':
      return findEmailAddresses(text);
    case 'iban':
      return findIbans(text);
    case 'payment_card':
      return findPaymentCards(text);
    case 'be_national_number':
      return findBelgianNationalNumbers(text);
    case 'phone':
      return findPhoneNumbers(text, defaultCountry);
  }
}
