import { describe, expect, it } from '@jest/globals';
import { generateRecoveryCode, normaliseRecoveryCode } from './recovery-codes.js';

describe('recovery codes', () => {
  it('have four groups of four symbols', () => {
    expect(generateRecoveryCode()).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
  });

  it('differ between calls', () => {
    const codes = new Set(Array.from({ length: 50 }, () => generateRecoveryCode()));
    expect(codes.size).toBe(50);
  });

  it('normalise case, spaces and dashes', () => {
    expect(normaliseRecoveryCode(' 7k2m-qx9d 4rtw-h3np ')).toBe('7K2MQX9D4RTWH3NP');
  });
});
