import { describe, expect, it } from '@jest/globals';

import { findPersonalData } from './find-personal-data.js';
import type { PiiKind } from './pii-match.js';

/** Returns the values of the matches of one kind. */
function valuesOf(text: string, kind: PiiKind, defaultCountry: 'BE' | 'NL' = 'BE'): string[] {
  return findPersonalData(text, { kinds: [kind], defaultCountry }).map((match) => match.value);
}

describe('findPersonalData', () => {
  describe('e-mail addresses', () => {
    const found: Array<[string, string]> = [
      ['mail jan.peeters@example.be please', 'jan.peeters@example.be'],
      ['(jan.peeters@example.be)', 'jan.peeters@example.be'],
      ['<an+tickets@sub.example.co.uk>,', 'an+tickets@sub.example.co.uk'],
      ['"jan@example.be"', 'jan@example.be'],
      ["'o'brien@example.ie'", "o'brien@example.ie"],
      ['mailto:jan@example.be.', 'jan@example.be'],
      ['Stuur naar: zoë.dupont@exämple.be; bedankt', 'zoë.dupont@exämple.be'],
      ['[JAN_99@Example.BE]', 'JAN_99@Example.BE'],
      ['...jan@example.be', 'jan@example.be'],
      ['jan@example.be\'s inbox', 'jan@example.be'],
      ['user@xn--80ak6aa92e.xn--p1ai', 'user@xn--80ak6aa92e.xn--p1ai'],
    ];
    for (const [text, expected] of found) {
      it(`finds ${expected} in ${JSON.stringify(text)}`, () => {
        expect(valuesOf(text, 'email')).toEqual([expected]);
      });
    }

    const notFound = ['jan@localhost', '@example.be', 'jan@', 'jan at example dot be', 'v@1.2.3'];
    for (const text of notFound) {
      it(`finds no e-mail in ${JSON.stringify(text)}`, () => {
        expect(valuesOf(text, 'email')).toEqual([]);
      });
    }

    it('reports exact positions', () => {
      const text = 'From: (jan@example.be)';
      expect(findPersonalData(text, { kinds: ['email'] })).toEqual([
        { kind: 'email', start: 7, end: 21, value: 'jan@example.be' },
      ]);
    });
  });

  describe('phone numbers', () => {
    const found: Array<[string, string]> = [
      ['bel 0470 12 34 56 aub', '0470 12 34 56'],
      ['GSM: 0470123456.', '0470123456'],
      ['gsm 0470/12.34.56!', '0470/12.34.56'],
      ['+32 470 12 34 56', '+32 470 12 34 56'],
      ['tel: 0032 470 12 34 56.', '0032 470 12 34 56'],
      ['(+32) 470 12 34 56', '(+32) 470 12 34 56'],
      ['Brussel 02 511 22 33', '02 511 22 33'],
      ['Brussel +32 (0)2 511 22 33', '+32 (0)2 511 22 33'],
      ['Gent 09 223 45 67', '09 223 45 67'],
      ['NL +31 20 123 4567', '+31 20 123 4567'],
      ['DE +49 30 1234567', '+49 30 1234567'],
      ['US +1 (415) 555-2671', '+1 (415) 555-2671'],
      ['ticket 7, 02 511 22 33, thanks', '02 511 22 33'],
      ['ip 192.168.1.10, 0470123456', '0470123456'],
      ['2 x 0470123456', '0470123456'],
    ];
    for (const [text, expected] of found) {
      it(`finds ${expected} in ${JSON.stringify(text)}`, () => {
        expect(valuesOf(text, 'phone')).toEqual([expected]);
      });
    }

    it('finds two numbers separated by a comma', () => {
      expect(valuesOf('+32 470 12 34 56, 0471 23 45 67', 'phone')).toEqual([
        '+32 470 12 34 56',
        '0471 23 45 67',
      ]);
    });

    it('finds numbers in a space-separated list', () => {
      expect(valuesOf('0470 12 34 56 0471 23 45 67 02 511 22 33', 'phone')).toEqual([
        '0470 12 34 56',
        '0471 23 45 67',
        '02 511 22 33',
      ]);
    });

    it('uses the default country', () => {
      expect(valuesOf('bel 020-1234567', 'phone', 'NL')).toEqual(['020-1234567']);
      expect(valuesOf('bel 020-1234567', 'phone', 'BE')).toEqual([]);
    });

    const notFound = [
      'order 12345678',
      'on 2024-05-01 at 14:30',
      'on 01-05-2024',
      'on 01/05/2024',
      'on 2024.05.01',
      'version 3.2.1',
      'amount 1.234.567 EUR',
      'ticket #4711, 8 items',
      '470 12 34 56',
      'abc0470123456',
      '0470123456abc',
    ];
    for (const text of notFound) {
      it(`finds no phone in ${JSON.stringify(text)}`, () => {
        expect(valuesOf(text, 'phone')).toEqual([]);
      });
    }

    it('rejects an unsupported default country', () => {
      expect(() => findPersonalData('0470 12 34 56', { defaultCountry: 'XX' as 'BE' })).toThrow(
        /Unsupported default country "XX"/,
      );
    });
  });

  describe('IBANs', () => {
    const valid = [
      'BE68 5390 0754 7034',
      'BE68539007547034',
      'be68 5390 0754 7034',
      'NL91ABNA0417164300',
      'NL91 ABNA 0417 1643 00',
      'DE89 3704 0044 0532 0130 00',
      'FR14 2004 1010 0505 0001 3M02 606',
    ];
    for (const iban of valid) {
      it(`finds valid IBAN ${iban}`, () => {
        expect(valuesOf(`Rekening: ${iban}, dank u.`, 'iban')).toEqual([iban]);
      });
    }

    const invalid: Array<[string, string]> = [
      ['BE68 5390 0754 7035', 'last digit changed'],
      ['BE69 5390 0754 7034', 'check digits changed'],
      ['NL91ABNA0417164301', 'last digit changed'],
      ['XX68 5390 0754 7034', 'unknown country'],
      ['BE68 5390 0754 703', 'too short'],
    ];
    for (const [iban, reason] of invalid) {
      it(`rejects IBAN with ${reason}: ${iban}`, () => {
        expect(valuesOf(`Rekening: ${iban}, dank u.`, 'iban')).toEqual([]);
      });
    }

    it('stops at the end of the IBAN', () => {
      expect(valuesOf('BE68 5390 0754 7034 is mine', 'iban')).toEqual(['BE68 5390 0754 7034']);
      expect(valuesOf('BE68 5390 0754 7034 1234', 'iban')).toEqual(['BE68 5390 0754 7034']);
    });

    it('ignores an IBAN inside a word', () => {
      expect(valuesOf('xBE68539007547034', 'iban')).toEqual([]);
      expect(valuesOf('BE68539007547034x', 'iban')).toEqual([]);
    });
  });

  describe('payment cards', () => {
    const valid = [
      '4111 1111 1111 1111',
      '4111-1111-1111-1111',
      '4111111111111111',
      '5555 5555 5555 4444',
      '3782 822463 10005',
      '6011111111111117',
      '4222222222222',
    ];
    for (const card of valid) {
      it(`finds valid card ${card}`, () => {
        expect(valuesOf(`kaart ${card} vervalt`, 'payment_card')).toEqual([card]);
      });
    }

    const invalid: Array<[string, string]> = [
      ['4111 1111 1111 1112', 'Luhn failure'],
      ['4111111111111121', 'Luhn failure'],
      ['4111 1111 1111', 'too few digits'],
      ['41111111111111111111', 'too many digits'],
      ['41 11 11 11 11 11 11 11', 'two-digit groups'],
    ];
    for (const [card, reason] of invalid) {
      it(`rejects card with ${reason}: ${card}`, () => {
        expect(valuesOf(`kaart ${card} vervalt`, 'payment_card')).toEqual([]);
      });
    }

    it('stops at the end of the card number', () => {
      expect(valuesOf('4111 1111 1111 1111 12/27', 'payment_card')).toEqual([
        '4111 1111 1111 1111',
      ]);
    });
  });

  describe('Belgian national numbers', () => {
    const valid: Array<[string, string]> = [
      ['85.07.30-033.28', 'born 1985'],
      ['85073003328', 'born 1985, no separators'],
      ['850730 033 28', 'born 1985, spaces'],
      ['01.02.03-123.45', 'born 2001'],
      ['01020312345', 'born 2001, no separators'],
      ['17.05.15-001.67', 'born 2017'],
      ['85.47.30-033.17', 'BIS number'],
    ];
    for (const [number, reason] of valid) {
      it(`finds ${number} (${reason})`, () => {
        expect(valuesOf(`RRN ${number}.`, 'be_national_number')).toEqual([number]);
      });
    }

    const invalid: Array<[string, string]> = [
      ['85.07.30-033.29', 'wrong check digit'],
      ['01.02.03-123.46', 'wrong check digit for both centuries'],
      ['85.13.30-033.70', 'month 13'],
      ['850730033281', 'twelve digits'],
    ];
    for (const [number, reason] of invalid) {
      it(`rejects ${number} (${reason})`, () => {
        expect(valuesOf(`RRN ${number}.`, 'be_national_number')).toEqual([]);
      });
    }
  });

  describe('overlapping matches', () => {
    it('reports phone digits inside an e-mail once', () => {
      const text = 'reply to +32470123456@example.be';
      expect(valuesOf(text, 'phone')).toEqual(['+32470123456']);

      const matches = findPersonalData(text);

      expect(matches).toEqual([
        { kind: 'email', start: 9, end: 32, value: '+32470123456@example.be' },
      ]);
    });

    it('reports an IBAN with card-like digits once', () => {
      // The first 16 digits of the German BBAN pass the Luhn check, like a card number.
      const text = 'IBAN DE08 3704 0044 0532 0131 00 please';
      expect(valuesOf(text, 'payment_card')).toEqual(['3704 0044 0532 0131']);
      expect(findPersonalData(text).map((match) => match.kind)).toEqual(['iban']);
    });

    it('returns matches sorted by position', () => {
      const text = 'RRN 85.07.30-033.28, jan@example.be, 0470 12 34 56, BE68 5390 0754 7034';
      expect(findPersonalData(text).map((match) => match.kind)).toEqual([
        'be_national_number',
        'email',
        'phone',
        'iban',
      ]);
    });
  });
});
