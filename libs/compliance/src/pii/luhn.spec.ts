import { describe, expect, it } from '@jest/globals';

import { isLuhnValid } from './luhn.js';

describe('isLuhnValid', () => {
  it('accepts valid card numbers', () => {
    for (const digits of ['4111111111111111', '5555555555554444', '378282246310005', '0']) {
      expect([digits, isLuhnValid(digits)]).toEqual([digits, true]);
    }
  });

  it('rejects changed digits and non-digits', () => {
    for (const digits of ['4111111111111112', '4111111111111121', '', '4111 1111']) {
      expect([digits, isLuhnValid(digits)]).toEqual([digits, false]);
    }
  });
});
