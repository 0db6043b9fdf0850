import { describe, expect, it } from '@jest/globals';
import { parseRetentionRules, retentionRulesOf } from './retention-rules.js';

describe('retention rules', () => {
  it('reads per-domain rules and the tenant-wide fallback', () => {
    const parsed = retentionRulesOf({
      retentionRules: [{ domainId: 'IT', days: 30, action: 'purge' }],
      retentionDays: 365,
    });
    expect(parsed.problems).toEqual([]);
    expect(parsed.rules).toEqual([
      { domainId: 'IT', days: 30, action: 'purge' },
      { domainId: '*', days: 365, action: 'anonymise' },
    ]);
  });

  it('lets a "*" rule win over retentionDays', () => {
    const parsed = retentionRulesOf({
      retentionRules: [{ domainId: '*', days: 10, action: 'purge' }],
      retentionDays: 365,
    });
    expect(parsed.rules).toEqual([{ domainId: '*', days: 10, action: 'purge' }]);
  });

  it('has no rule without settings', () => {
    expect(retentionRulesOf({})).toEqual({ rules: [], problems: [] });
  });

  it.each([
    ['a non-array setting', { domainId: 'IT' }, 'must be an array'],
    [
      'a zero period',
      [{ domainId: 'IT', days: 0, action: 'purge' }],
      'days must be a whole number',
    ],
    [
      'a fractional period',
      [{ domainId: 'IT', days: 1.5, action: 'purge' }],
      'days must be a whole number',
    ],
    ['an unknown action', [{ domainId: 'IT', days: 5, action: 'archive' }], 'action must be'],
    ['a malformed domain id', [{ domainId: 'I T', days: 5, action: 'purge' }], 'domainId must be'],
    [
      'an extra property',
      [{ domainId: 'IT', days: 5, action: 'purge', note: 'x' }],
      'note is not a rule property',
    ],
    [
      'a repeated domain',
      [
        { domainId: 'IT', days: 5, action: 'purge' },
        { domainId: 'IT', days: 6, action: 'purge' },
      ],
      'has a rule already',
    ],
  ])('reports %s', (_label, value, message) => {
    const parsed = parseRetentionRules(value);
    expect(parsed.problems).toEqual([expect.stringContaining(message)]);
  });
});
