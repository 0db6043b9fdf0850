import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DomainConfigurationError } from './errors.js';
import { normalizeDomain } from './normalize-domain.js';
import {
  ConfigReader,
  describeYamlValue,
  isMapping,
  type Entry,
  type YamlMapping,
} from './reader.js';
import type {
  ConfigurationProblem,
  DomainConfiguration,
  DomainDefinition,
  GlobalSettings,
} from './types.js';
import { parseYamlSource, YamlSyntaxError, type YamlSource } from './yaml-source.js';

const DOMAIN_ID_PATTERN = /^[A-Za-z0-9_-]+$/;

/**
 * Parses and validates the text of `masala_domains.yaml`, in snake_case or camelCase keys.
 * Throws DomainConfigurationError listing every problem found, each with file, line and key.
 */
export function parseDomainConfiguration(
  text: string | Buffer,
  sourcePath: string,
): DomainConfiguration {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const version = createHash('sha256').update(bytes).digest('hex');
  const source = readSource(bytes, sourcePath);

  const reader = new ConfigReader(sourcePath, (path) => source.lineOf(path));
  const document = source.document;
  if (!isMapping(document)) {
    const found = describeYamlValue(document);
    reader.report([], `the file must contain a mapping with a domains key, got ${found}`);
    throw new DomainConfigurationError(reader.problems);
  }
  reader.rejectUnknownKeys(document, [], ['domains', 'global']);

  const domains = readDomains(reader, reader.entry(document, [], 'domains'));
  const global = readGlobal(reader, reader.entry(document, [], 'global'), domains);
  if (reader.problems.length > 0) {
    throw new DomainConfigurationError(sortByLine(reader.problems));
  }

  const snapshotJson = JSON.stringify({ global, domains: Object.fromEntries(domains) });
  const snapshot: unknown = deepFreeze(JSON.parse(snapshotJson));
  for (const domain of domains.values()) {
    deepFreeze(domain);
  }
  return { version, sourcePath, global: Object.freeze(global), domains, snapshot };
}

/** Reads and parses a configuration file. A read failure also raises DomainConfigurationError. */
export function loadDomainConfigurationFile(path: string): DomainConfiguration {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const problem = { file: path, key: '', message: readFailureMessage(error) };
    throw new DomainConfigurationError([problem]);
  }
  return parseDomainConfiguration(bytes, path);
}

function readFailureMessage(error: unknown): string {
  // Checked by shape because Jest runs modules in a separate realm, where instanceof fails.
  const code =
    typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
  if (code === 'ENOENT') {
    return 'file not found';
  }
  return `failed to read the file (${code ?? String(error)})`;
}

function readSource(bytes: Buffer, sourcePath: string): YamlSource {
  const fail = (problem: Omit<ConfigurationProblem, 'file' | 'key'>): never => {
    throw new DomainConfigurationError([{ file: sourcePath, key: '', ...problem }]);
  };
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    fail({ message: 'the file is not valid UTF-8' });
  }
  try {
    const source = parseYamlSource(text, sourcePath);
    if (source.document === undefined) {
      fail({ message: 'the file contains no YAML document (expected a domains mapping)' });
    }
    return source;
  } catch (error) {
    if (error instanceof YamlSyntaxError) {
      return fail({ line: error.line, message: `invalid YAML: ${error.reason}` });
    }
    throw error;
  }
}

function readDomains(reader: ConfigReader, entry: Entry): Map<string, DomainDefinition> {
  const domains = new Map<string, DomainDefinition>();
  if (!entry.present || entry.value === null) {
    reader.report(entry.path, 'missing domains (define at least one domain)');
    return domains;
  }
  const raw = reader.mapping(entry);
  if (raw === undefined) {
    return domains;
  }
  if (Object.keys(raw).length === 0) {
    reader.report(entry.path, 'empty domains (define at least one domain)');
  }
  for (const [id, value] of Object.entries(raw)) {
    const domainEntry: Entry = { value, path: [...entry.path, id], present: true };
    if (!DOMAIN_ID_PATTERN.test(id)) {
      reader.report(domainEntry.path, `invalid domain id '${id}' (use letters, digits, _ or -)`);
      continue;
    }
    const domain = reader.mapping(domainEntry);
    if (domain === undefined) {
      reader.report(domainEntry.path, 'missing domain definition (expected a mapping)');
      continue;
    }
    domains.set(id, normalizeDomain(reader, id, domain, domainEntry.path));
  }
  return domains;
}

function readGlobal(
  reader: ConfigReader,
  entry: Entry,
  domains: ReadonlyMap<string, DomainDefinition>,
): GlobalSettings {
  const firstDomain = domains.keys().next().value ?? '';
  const raw: YamlMapping = reader.mapping(entry) ?? {};
  reader.rejectUnknownKeys(raw, entry.path, [
    'default_domain',
    'allow_domain_switching',
    'config_reload_enabled',
  ]);
  const defaultEntry = reader.entry(raw, entry.path, 'default_domain');
  const defaultDomain = reader.string(defaultEntry) ?? firstDomain;
  if (defaultEntry.present && domains.size > 0 && !domains.has(defaultDomain)) {
    const defined = [...domains.keys()].join(', ');
    reader.report(
      defaultEntry.path,
      `default domain '${defaultDomain}' is not defined under domains (defined: ${defined})`,
    );
  }
  const flag = (key: string): boolean => reader.boolean(reader.entry(raw, entry.path, key), false);
  return {
    defaultDomain,
    allowDomainSwitching: flag('allow_domain_switching'),
    configReloadEnabled: flag('config_reload_enabled'),
  };
}

/** Orders problems by line, keeping discovery order for equal lines and unknown lines last. */
function sortByLine(problems: ConfigurationProblem[]): ConfigurationProblem[] {
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort((a, b) => {
      const lineA = a.problem.line ?? Number.MAX_SAFE_INTEGER;
      const lineB = b.problem.line ?? Number.MAX_SAFE_INTEGER;
      return lineA - lineB || a.index - b.index;
    })
    .map(({ problem }) => problem);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) {
      deepFreeze(child);
    }
  }
  return value;
}
