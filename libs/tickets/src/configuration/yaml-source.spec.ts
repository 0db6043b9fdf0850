import { describe, expect, it } from '@jest/globals';
import { formatKeyPath, parseYamlSource, YamlSyntaxError } from './yaml-source.js';

const TEXT = [
  /* 1 */ '# comment',
  /* 2 */ 'domains:',
  /* 3 */ '  IT:',
  /* 4 */ '    states:',
  /* 5 */ '      - code: NEW',
  /* 6 */ '        name: "New"',
  /* 7 */ '      - code: DONE',
  /* 8 */ '    transitions: { NEW: [DONE],',
  /* 9 */ '      DONE: [] }',
  /* 10 */ '    empty:',
  /* 11 */ '    anchored: &shared',
  /* 12 */ '      color: red',
  /* 13 */ '    items:',
  /* 14 */ '      -',
  /* 15 */ '      - last',
  '',
].join('\n');

describe('parseYamlSource', () => {
  const source = parseYamlSource(TEXT, 'test.yaml');
  const line = (...path: (string | number)[]): number | undefined => source.lineOf(path);

  it('maps keys to their lines', () => {
    expect(line('domains')).toBe(2);
    expect(line('domains', 'IT')).toBe(3);
    expect(line('domains', 'IT', 'states', 0)).toBe(5);
    expect(line('domains', 'IT', 'states', 0, 'name')).toBe(6);
    expect(line('domains', 'IT', 'states', 1, 'code')).toBe(7);
  });

  it('maps flow collections across lines', () => {
    expect(line('domains', 'IT', 'transitions', 'NEW', 0)).toBe(8);
    expect(line('domains', 'IT', 'transitions', 'DONE')).toBe(9);
  });

  it('maps empty and anchored values', () => {
    expect(line('domains', 'IT', 'empty')).toBe(10);
    expect(line('domains', 'IT', 'anchored')).toBe(11);
    expect(line('domains', 'IT', 'anchored', 'color')).toBe(12);
  });

  it('falls back to nearest ancestor', () => {
    expect(line('domains', 'IT', 'states', 0, 'color')).toBe(5);
    expect(line('domains', 'IT', 'items', 0)).toBe(13);
    expect(line('domains', 'IT', 'items', 1)).toBe(15);
    expect(line('missing')).toBe(2);
  });

  it('constructs the document', () => {
    const document = source.document as { domains: { IT: { transitions: unknown } } };
    expect(document.domains.IT.transitions).toEqual({ NEW: ['DONE'], DONE: [] });
  });

  const syntaxCases: [string, string, string, number][] = [
    ['unclosed flow list', 'a: 1\nb: [1, 2\n', 'deficient indentation', 3],
    // js-yaml 5.5 reports this construction error at the start of the mapping.
    ['complex key', 'a: 1\n? [x, y]\n: z\n', 'object-based map does not support complex keys', 1],
    ['unknown alias', 'a: 1\nb: *nowhere\n', 'unidentified alias "nowhere"', 2],
  ];

  it.each(syntaxCases)('rejects %s', (_name, text, reason, expectedLine) => {
    let thrown: unknown;
    try {
      parseYamlSource(text, 'bad.yaml');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(YamlSyntaxError);
    expect((thrown as YamlSyntaxError).reason).toBe(reason);
    expect((thrown as YamlSyntaxError).line).toBe(expectedLine);
  });
});

describe('formatKeyPath', () => {
  it('joins keys and indexes', () => {
    expect(formatKeyPath(['domains', 'IT', 'states', 2, 'code'])).toBe('domains.IT.states[2].code');
    expect(formatKeyPath([])).toBe('');
  });
});
