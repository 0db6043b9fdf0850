import { describe, expect, it } from '@jest/globals';

import { isValidBelgianNationalNumber } from './be-national-number.js';

describe('isValidBelgianNationalNumber', () => {
  it('accepts numbers of people born before 2000', () => {
    expect(isValidBelgianNationalNumber('85073003328')).toBe(true);
    expect(isValidBelgianNationalNumber('85.07.30-033.28')).toBe(true);
  });

  it('accepts numbers of people born from 2000', () => {
    // 97 - (2010203123 mod 97) = 45, where the pre-2000 rule gives 16.
    expect(isValidBelgianNationalNumber('01.02.03-123.45')).toBe(true);
    expect(isValidBelgianNationalNumber('17.05.15-001.67')).toBe(true);
  });

  it('accepts unknown birth dates and BIS numbers', () => {
    expect(isValidBelgianNationalNumber('00.00.00-001.96')).toBe(true);
    expect(isValidBelgianNationalNumber('85.47.30-033.17')).toBe(true);
  });

  it('rejects a wrong check number', () => {
    expect(isValidBelgianNationalNumber('85.07.30-033.29')).toBe(false);
    expect(isValidBelgianNationalNumber('01.02.03-123.46')).toBe(false);
  });

  it('rejects impossible months and days', () => {
    // Both numbers carry the check number that the pre-2000 rule gives for their 9 digits.
    expect(isValidBelgianNationalNumber('85.13.30-033.70')).toBe(false);
    expect(isValidBelgianNationalNumber('85.07.32-033.65')).toBe(false);
  });

  it('rejects wrong lengths and characters', () => {
    expect(isValidBelgianNationalNumber('8507300332')).toBe(false);
    expect(isValidBelgianNationalNumber('850730033281')).toBe(false);
    expect(isValidBelgianNationalNumber('85O73003328')).toBe(false);
  });
});
