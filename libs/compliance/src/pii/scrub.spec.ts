import { describe, expect, it } from '@jest/globals';

import { compileKnownValues, scrubKnownValues, scrubPersonalData } from './scrub.js';

describe('scrubPersonalData', () => {
  it('replaces each kind with its placeholder', () => {
    const text =
      'Jan (jan.peeters@example.be, 0470 12 34 56) paid with 4111 1111 1111 1111 ' +
      'from BE68 5390 0754 7034. RRN 85.07.30-033.28.';

    const result = scrubPersonalData(text);

    expect(result.text).toBe(
      'Jan ([email], [phone]) paid with [card] from [iban]. RRN [national-number].',
    );
    expect(result.counts).toEqual({
      email: 1,
      phone: 1,
      iban: 1,
      payment_card: 1,
      be_national_number: 1,
    });
  });

  it('leaves text without personal data unchanged', () => {
    const text =
      'Printer on floor 3 jams since 2024-05-01 14:30. Ticket #4711, order 12345678, ' +
      'firmware 3.2.1, cost 1.234,56 EUR. Call the vendor, not me!';

    const result = scrubPersonalData(text);

    expect(result.text).toBe(text);
    expect(Object.values(result.counts)).toEqual([0, 0, 0, 0, 0]);
  });

  it('counts repeated values', () => {
    const result = scrubPersonalData('a@example.be, b@example.be and a@example.be');
    expect(result.text).toBe('[email], [email] and [email]');
    expect(result.counts.email).toBe(3);
  });

  it('scrubs an overlap once', () => {
    const result = scrubPersonalData('reply to +32470123456@example.be now');
    expect(result.text).toBe('reply to [email] now');
    expect(result.counts.email).toBe(1);
    expect(result.counts.phone).toBe(0);
  });

  it('accepts custom placeholders', () => {
    const result = scrubPersonalData('mail jan@example.be or 0470 12 34 56', {
      placeholders: { email: '<redacted e-mail>' },
    });
    expect(result.text).toBe('mail <redacted e-mail> or [phone]');
  });

  it('limits detection to the given kinds', () => {
    const result = scrubPersonalData('mail jan@example.be or 0470 12 34 56', { kinds: ['phone'] });
    expect(result.text).toBe('mail jan@example.be or [phone]');
    expect(result.counts.email).toBe(0);
  });

  it('reads national phone numbers for the default country', () => {
    const result = scrubPersonalData('bel 06-12345678', { defaultCountry: 'NL' });
    expect(result.text).toBe('bel [phone]');
  });

  it('keeps an empty text empty', () => {
    expect(scrubPersonalData('').text).toBe('');
  });
});

describe('scrubKnownValues', () => {
  it('ignores case', () => {
    expect(scrubKnownValues('JAN PEETERS called, jan peeters again', ['Jan Peeters'])).toBe(
      '[erased] called, [erased] again',
    );
  });

  it('matches any white space inside a value', () => {
    expect(scrubKnownValues('Dear Jan\n   Peeters,', ['Jan Peeters'])).toBe('Dear [erased],');
  });

  it('matches whole words only', () => {
    expect(scrubKnownValues('Jan wrote in Januari to Jansen', ['Jan'])).toBe(
      '[erased] wrote in Januari to Jansen',
    );
  });

  it('replaces e-mail addresses', () => {
    const text = 'from <Jan.Peeters@Example.be>; cc jan.peeters@example.be.';
    expect(scrubKnownValues(text, ['jan.peeters@example.be'])).toBe(
      'from <[erased]>; cc [erased].',
    );
  });

  it('prefers the longest value', () => {
    expect(scrubKnownValues('Jan Peeters and Jan', ['Jan', 'Jan Peeters'])).toBe(
      '[erased] and [erased]',
    );
  });

  it('escapes regular expression syntax', () => {
    expect(scrubKnownValues('user a+b (test) and aab', ['a+b (test)'])).toBe(
      'user [erased] and aab',
    );
  });

  it('matches non-Latin letters and accents', () => {
    expect(scrubKnownValues('Zoë Dupont et ZOË DUPONT', ['zoë dupont'])).toBe(
      '[erased] et [erased]',
    );
  });

  it('ignores blank values', () => {
    expect(scrubKnownValues('nothing to erase', ['', '   '])).toBe('nothing to erase');
  });

  it('writes the placeholder literally', () => {
    expect(scrubKnownValues('Jan', ['Jan'], '$& [gone]')).toBe('$& [gone]');
  });
});

describe('compileKnownValues', () => {
  const values = ['Jan Peeters', 'jan.peeters@example.be'];
  const matcher = compileKnownValues(values);

  it('tests with the rules of scrubKnownValues', () => {
    expect(matcher.test('Call JAN\n  peeters today')).toBe(true);
    expect(matcher.test('Mail jan.peeters@example.be')).toBe(true);
    expect(matcher.test('Jan Peetersen is someone else')).toBe(false);
    expect(matcher.test('Januari')).toBe(false);
  });

  it('tests and scrubs many texts alike', () => {
    for (const text of ['Jan Peeters', 'no name', 'jan peeters and Jan Peeters']) {
      expect(matcher.test(text)).toBe(matcher.scrub(text) !== text);
      expect(matcher.scrub(text)).toBe(scrubKnownValues(text, values));
    }
  });

  it('matches nothing without values', () => {
    const empty = compileKnownValues(['', '  ']);
    expect(empty.test('anything')).toBe(false);
    expect(empty.scrub('anything')).toBe('anything');
  });
});
