import type { ConfigurationProblem } from './types.js';
import { formatKeyPath, type KeyPath } from './yaml-source.js';

export type YamlMapping = Record<string, unknown>;

export function isMapping(value: unknown): value is YamlMapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Converts `work_item_types` to `workItemTypes`. */
export function toCamelCase(snakeKey: string): string {
  return snakeKey.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

/** Value of a key together with the path of the key as spelled in the file. */
export interface Entry {
  value: unknown;
  path: KeyPath;
  present: boolean;
}

/**
 * Reads typed values from the constructed YAML document and records a problem, with the
 * file line of the key, for each value that is missing or has the wrong shape. Every key
 * is accepted in snake_case or camelCase.
 */
export class ConfigReader {
  readonly problems: ConfigurationProblem[] = [];

  constructor(
    readonly file: string,
    private readonly lineOf: (path: KeyPath) => number | undefined,
  ) {}

  report(path: KeyPath, message: string): void {
    this.problems.push({
      file: this.file,
      line: this.lineOf(path),
      key: formatKeyPath(path),
      message,
    });
  }

  line(path: KeyPath): number | undefined {
    return this.lineOf(path);
  }

  /**
   * Looks up `snakeKey` or its camelCase spelling. When the key is absent, the returned
   * path uses the spelling that the other keys of the mapping use.
   */
  entry(mapping: YamlMapping, parentPath: KeyPath, snakeKey: string): Entry {
    const camelKey = toCamelCase(snakeKey);
    const hasSnake = Object.hasOwn(mapping, snakeKey);
    const hasCamel = camelKey !== snakeKey && Object.hasOwn(mapping, camelKey);
    if (hasSnake && hasCamel) {
      const message = `same key as ${snakeKey} in another spelling (keep only one)`;
      this.report([...parentPath, camelKey], message);
    }
    if (hasSnake) {
      return { value: mapping[snakeKey], path: [...parentPath, snakeKey], present: true };
    }
    if (hasCamel) {
      return { value: mapping[camelKey], path: [...parentPath, camelKey], present: true };
    }
    const key = usesCamelCase(mapping) ? camelKey : snakeKey;
    return { value: undefined, path: [...parentPath, key], present: false };
  }

  /** Reports every key of `mapping` that is not one of `snakeKeys` in either spelling. */
  rejectUnknownKeys(mapping: YamlMapping, parentPath: KeyPath, snakeKeys: readonly string[]): void {
    const known = new Set(snakeKeys.flatMap((key) => [key, toCamelCase(key)]));
    for (const key of Object.keys(mapping)) {
      if (!known.has(key)) {
        this.report([...parentPath, key], `unknown key (expected one of ${snakeKeys.join(', ')})`);
      }
    }
  }

  /** Returns the string value, or `fallback` when absent. Reports a non-string value. */
  string(entry: Entry, fallback?: string): string | undefined {
    if (!entry.present || entry.value === null) {
      return fallback;
    }
    if (typeof entry.value === 'number' || typeof entry.value === 'boolean') {
      return String(entry.value);
    }
    if (typeof entry.value !== 'string') {
      this.report(entry.path, `must be a string, got ${describeYamlValue(entry.value)}`);
      return fallback;
    }
    return entry.value;
  }

  /** Returns the non-empty string value, reporting it as missing when absent. */
  requiredString(entry: Entry): string | undefined {
    const blank = typeof entry.value === 'string' && entry.value.trim() === '';
    if (!entry.present || entry.value === null || blank) {
      this.report(entry.path, 'missing value (expected a non-empty string)');
      return undefined;
    }
    return this.string(entry);
  }

  boolean(entry: Entry, fallback: boolean): boolean {
    if (!entry.present || entry.value === null) {
      return fallback;
    }
    if (typeof entry.value !== 'boolean') {
      this.report(entry.path, `must be true or false, got ${describeYamlValue(entry.value)}`);
      return fallback;
    }
    return entry.value;
  }

  number(entry: Entry): number | undefined {
    if (!entry.present || entry.value === null) {
      return undefined;
    }
    if (typeof entry.value !== 'number' || !Number.isFinite(entry.value)) {
      this.report(entry.path, `must be a finite number, got ${describeYamlValue(entry.value)}`);
      return undefined;
    }
    return entry.value;
  }

  mapping(entry: Entry): YamlMapping | undefined {
    if (!entry.present || entry.value === null) {
      return undefined;
    }
    if (!isMapping(entry.value)) {
      this.report(entry.path, `must be a mapping, got ${describeYamlValue(entry.value)}`);
      return undefined;
    }
    return entry.value;
  }

  /** Returns the items of a sequence with their paths. An absent or null value gives `[]`. */
  list(entry: Entry): Entry[] {
    if (!entry.present || entry.value === null) {
      return [];
    }
    if (!Array.isArray(entry.value)) {
      this.report(entry.path, `must be a list, got ${describeYamlValue(entry.value)}`);
      return [];
    }
    return entry.value.map((value: unknown, index) => ({
      value,
      path: [...entry.path, index],
      present: true,
    }));
  }

  /** Returns the strings of a list, reporting each item that is not a non-empty string. */
  stringList(entry: Entry): string[] {
    const strings: string[] = [];
    for (const item of this.list(entry)) {
      if (typeof item.value === 'string' && item.value.trim() !== '') {
        strings.push(item.value);
      } else {
        this.report(item.path, `must be a non-empty string, got ${describeYamlValue(item.value)}`);
      }
    }
    return strings;
  }
}

function usesCamelCase(mapping: YamlMapping): boolean {
  const keys = Object.keys(mapping);
  return keys.some((key) => /[a-z][A-Z]/.test(key)) && !keys.some((key) => key.includes('_'));
}

/** Short description of a YAML value for messages, for example `a list` or `the number 3`. */
export function describeYamlValue(value: unknown): string {
  if (value === null || value === undefined) {
    return 'nothing';
  }
  if (Array.isArray(value)) {
    return 'a list';
  }
  if (typeof value === 'object') {
    return 'a mapping';
  }
  if (typeof value === 'string') {
    return `the string '${value}'`;
  }
  return `the ${typeof value} ${String(value)}`;
}

/** Formats `duplicate <itemKind> '<value>' (first defined on line N)`. */
export function duplicateMessage(
  itemKind: string,
  value: string,
  firstLine: number | undefined,
): string {
  const where = firstLine === undefined ? '' : ` (first defined on line ${firstLine})`;
  return `duplicate ${itemKind} '${value}'${where}`;
}
