import { beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSubject } from '#kernel';
import { loadCommonWords, type CommonWordTest } from '../pii/common-words.js';
import { planIdentifiers, weaknessOf } from './erasure-identifiers.js';

let isCommonWord: CommonWordTest;

beforeAll(async () => {
  isCommonWord = await loadCommonWords();
});

const subject = (displayName: string, aliases: string[] = []): DataSubject => ({
  id: '6f1c2a4e-8b3d-4c5e-9f7a-1b2c3d4e5f60',
  email: 'ann.smith@acme.test',
  displayName,
  aliases,
  status: 'active',
});

describe('weaknessOf', () => {
  const cases: Array<[string, string | null]> = [
    ['VPN', 'min_length'],
    ['Jan', 'min_length'],
    ['.....', 'letter_or_digit'],
    ['printer', 'common_word'],
    ['Printer!', 'common_word'],
    ['network', 'common_word'],
    ['Smithers', null],
    ['Annie', null],
    ['Peeters', null],
    ['Jean-Luc', null],
    ['a.smithers', null],
    ['Annie Smithers', null],
    ['VPN down', null],
    ['+32 470 12 34 56', null],
    ['CUST-48213', null],
    ['annie77', null],
  ];

  it.each(cases)('classifies %p', (value, rule) => {
    expect(weaknessOf(value, isCommonWord)?.rule ?? null).toBe(rule);
  });
});

describe('planIdentifiers', () => {
  it('scopes stored values by strength', () => {
    const plan = planIdentifiers(subject('Ann Smith', ['ann.smith']), [], isCommonWord, new Set());
    expect(plan.errors).toEqual([]);
    expect(plan.identifiers).toEqual([
      { value: 'ann.smith@acme.test', source: 'email', scope: 'tenant' },
      { value: 'Ann Smith', source: 'display_name', scope: 'tenant' },
      { value: 'ann.smith', source: 'email_local_part', scope: 'tenant' },
    ]);
  });

  it('limits a weak display name to linked records', () => {
    for (const displayName of ['Ann', 'Support']) {
      const plan = planIdentifiers(subject(displayName), [], isCommonWord, new Set());
      expect(plan.identifiers[1]).toEqual({
        value: displayName,
        source: 'display_name',
        scope: 'linked_records',
      });
    }
  });

  it('skips erased and empty stored values', () => {
    const plan = planIdentifiers(subject('[erased]', ['  ']), [], isCommonWord, new Set());
    expect(plan.identifiers.map((identifier) => identifier.source)).toEqual(['email']);
  });

  it('limits request values to linked records', () => {
    const plan = planIdentifiers(
      subject('Ann Smith'),
      ['  Annie Smithers ', '+32 470 12 34 56'],
      isCommonWord,
      new Set(),
    );
    expect(plan.identifiers.slice(1)).toEqual([
      { value: 'Ann Smith', source: 'display_name', scope: 'tenant' },
      { value: 'Annie Smithers', source: 'request', position: 0, scope: 'linked_records' },
      { value: '+32 470 12 34 56', source: 'request', position: 1, scope: 'linked_records' },
    ]);
  });

  it('applies the own e-mail address tenant-wide', () => {
    const plan = planIdentifiers(
      subject('Ann Smith'),
      ['Ann.Smith@acme.test'],
      isCommonWord,
      new Set(['ann.smith@acme.test']),
    );
    expect(plan.identifiers.at(-1)).toEqual({
      value: 'Ann.Smith@acme.test',
      source: 'request',
      position: 0,
      scope: 'tenant',
    });
  });

  it('lists every rejected request value', () => {
    const plan = planIdentifiers(
      subject('Ann Smith'),
      ['VPN', 'Annie Smithers', 'printer'],
      isCommonWord,
      new Set(),
    );
    expect(plan.errors).toEqual([
      {
        field: 'identifiers',
        rule: 'min_length',
        message: 'identifiers[0] must have at least 5 characters',
      },
      expect.objectContaining({ field: 'identifiers', rule: 'common_word' }),
    ]);
    expect(plan.errors[1]!.message).toContain('identifiers[2] is the common word "printer"');
  });
});
