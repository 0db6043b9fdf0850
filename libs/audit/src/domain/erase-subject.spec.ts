import { describe, expect, it } from '@jest/globals';
import { ERASED, concernsSubject, eraseSubject, normaliseReplacements } from './erase-subject.js';
import { sealedChain } from './sealed-chain.fixture.js';

const [base] = sealedChain(1, () => ({
  actorId: 'agent-1',
  subjectIds: ['alice'],
  personalFields: ['title', 'description'],
  oldValues: { title: 'Printer of Alice Martin', status: 'NEW', description: null },
  newValues: {
    title: 'Printer of Alice Martin',
    status: 'OPEN',
    note: 'Call alice.martin@example.org',
    nested: { lines: ['ALICE MARTIN called', 'no match'] },
  },
}));
const entry = base!;

describe('eraseSubject', () => {
  it('erases personal fields and replacement strings', () => {
    const changed = eraseSubject(entry, {
      subjectId: 'alice',
      replacements: ['Alice Martin', 'alice.martin@example.org'],
    });
    expect(changed?.oldValues).toEqual({ title: ERASED, status: 'NEW', description: null });
    expect(changed?.newValues).toEqual({
      title: ERASED,
      status: 'OPEN',
      note: `Call ${ERASED}`,
      nested: { lines: [`${ERASED} called`, 'no match'] },
    });
  });

  it('keeps the client details of another actor', () => {
    const changed = eraseSubject(entry, { subjectId: 'alice', replacements: [] });
    expect(changed).not.toHaveProperty('ip');
    expect(changed).not.toHaveProperty('userAgent');
  });

  it('clears the client details when the subject acted', () => {
    const acted = { ...entry, actorId: 'alice', subjectIds: [] };
    const changed = eraseSubject(acted, { subjectId: 'alice', replacements: ['Alice Martin'] });
    expect(changed?.ip).toBeNull();
    expect(changed?.userAgent).toBeNull();
    // Personal fields belong to the subjects of the entry, not to its actor.
    expect(changed?.newValues?.title).toBe(`Printer of ${ERASED}`);
  });

  it('erases the personal fields of the subject user record', () => {
    const record = {
      ...entry,
      entityType: 'user',
      entityId: 'alice',
      subjectIds: [],
      personalFields: ['email'],
      oldValues: null,
      newValues: { email: 'alice.martin@example.org', roles: ['Customer'] },
    };
    expect(eraseSubject(record, { subjectId: 'alice', replacements: [] })?.newValues).toEqual({
      email: ERASED,
      roles: ['Customer'],
    });
  });

  it('returns null for an entry about someone else', () => {
    expect(eraseSubject(entry, { subjectId: 'bob', replacements: ['Alice Martin'] })).toBeNull();
  });

  it('returns null when nothing changes', () => {
    const plain = { ...entry, personalFields: [], oldValues: null, newValues: { status: 'OPEN' } };
    expect(eraseSubject(plain, { subjectId: 'alice', replacements: ['Alice'] })).toBeNull();
  });

  it('treats replacement strings literally', () => {
    const text = {
      ...entry,
      personalFields: [],
      oldValues: null,
      newValues: { note: 'a.b a+b (x)' },
    };
    const changed = eraseSubject(text, { subjectId: 'alice', replacements: ['a+b', '(x)'] });
    expect(changed?.newValues).toEqual({ note: `a.b ${ERASED} ${ERASED}` });
  });
});

describe('concernsSubject', () => {
  it('matches subjects, actors and the user record', () => {
    expect(concernsSubject(entry, 'alice')).toBe(true);
    expect(concernsSubject(entry, 'agent-1')).toBe(true);
    expect(concernsSubject({ ...entry, entityType: 'user', entityId: 'carol' }, 'carol')).toBe(
      true,
    );
    expect(concernsSubject(entry, 'bob')).toBe(false);
  });
});

describe('normaliseReplacements', () => {
  it('trims, drops empty strings and duplicates, longest first', () => {
    expect(normaliseReplacements([' Alice ', '', 'Alice Martin', 'Alice'])).toEqual([
      'Alice Martin',
      'Alice',
    ]);
  });
});
