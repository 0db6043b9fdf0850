import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainConfigurationError } from '../../configuration/index.js';
import { configSignature } from './config-files.js';
import {
  effectiveConfiguration,
  loadConfigurationSet,
  reloadConfigurationSet,
} from './configuration-set.js';

const MINIMAL = readFileSync(
  new URL('../../configuration/fixtures/masala_domains.minimal.yaml', import.meta.url),
);

const ONE_DOMAIN = `domains:
  Desk:
    workflow:
      states: [OPEN, DONE]
      transitions:
        OPEN: [DONE]
`;

describe('configuration set', () => {
  let folder: string;

  const write = (relativePath: string, content: string | Buffer) => {
    const path = join(folder, relativePath);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, content);
  };

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'masala-config-set-'));
    write('masala_domains.yaml', MINIMAL);
  });

  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it('loads the root file alone', () => {
    const set = loadConfigurationSet(folder);
    expect([...set.root.domains.keys()]).toEqual(['IT', 'Gardening']);
    expect(set.tenants.size).toBe(0);
  });

  it('loads a tenant folder file', () => {
    write('config/acme/masala_domains.yaml', ONE_DOMAIN);
    const set = loadConfigurationSet(folder);
    expect([...(set.tenants.get('acme')?.domains.keys() ?? [])]).toEqual(['Desk']);
    expect(effectiveConfiguration(set, 'acme').tenantScope).toBe('acme');
    expect(effectiveConfiguration(set, 'globex').tenantScope).toBeNull();
    expect(effectiveConfiguration(set, 'globex').configuration).toBe(set.root);
  });

  it('ignores tenant folders without a file', () => {
    mkdirSync(join(folder, 'config', 'acme'), { recursive: true });
    write('config/readme.txt', 'not a tenant');
    expect(loadConfigurationSet(folder).tenants.size).toBe(0);
  });

  it('rejects every invalid file at once', () => {
    write('masala_domains.yaml', 'domains:\n  IT:\n    workflow:\n      states: [A, A]\n');
    write('config/acme/masala_domains.yaml', 'domains: []\n');
    write('config/Bad_Name/masala_domains.yaml', ONE_DOMAIN);
    let error: unknown;
    try {
      loadConfigurationSet(folder);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DomainConfigurationError);
    const lines = (error as DomainConfigurationError).message.split('\n');
    expect(lines).toContain(
      `${join(folder, 'masala_domains.yaml')}:4: domains.IT.workflow.states[1]: duplicate state code 'A' (first defined on line 4)`,
    );
    expect(lines).toContain(
      `${join(folder, 'config/acme/masala_domains.yaml')}:1: domains: must be a mapping, got a list`,
    );
    expect(lines).toContain(
      `${join(folder, 'config/Bad_Name/masala_domains.yaml')}: tenant folder 'Bad_Name' is not a valid tenant slug (use 1 to 63 lowercase letters, digits or hyphens)`,
    );
  });

  it('reports a missing root file', () => {
    rmSync(join(folder, 'masala_domains.yaml'));
    expect(() => loadConfigurationSet(folder)).toThrow(
      `${join(folder, 'masala_domains.yaml')}: file not found`,
    );
  });

  it('reloads without change when the bytes are the same', () => {
    const set = loadConfigurationSet(folder);
    const change = reloadConfigurationSet(folder, set);
    expect(change.activated).toEqual([]);
    expect(change.rejected).toEqual([]);
    expect(change.next.root).toBe(set.root);
  });

  it('activates a valid edit of the root file', () => {
    const set = loadConfigurationSet(folder);
    write('masala_domains.yaml', ONE_DOMAIN);
    const change = reloadConfigurationSet(folder, set);
    expect(change.activated.map((item) => item.tenantScope)).toEqual([null]);
    expect([...change.next.root.domains.keys()]).toEqual(['Desk']);
    expect(change.next.root.version).not.toBe(set.root.version);
  });

  it('keeps the previous version on an invalid edit', () => {
    write('config/acme/masala_domains.yaml', ONE_DOMAIN);
    const set = loadConfigurationSet(folder);
    write('masala_domains.yaml', 'domains:\n  IT: {}\n');
    write(
      'config/acme/masala_domains.yaml',
      'domains:\n  Desk:\n    workflow:\n      states: [OPEN]\n      transitions:\n        OPEN: [GONE]\n',
    );
    const change = reloadConfigurationSet(folder, set);
    expect(change.activated).toEqual([]);
    expect(change.next.root).toBe(set.root);
    expect(change.next.tenants.get('acme')).toBe(set.tenants.get('acme'));
    expect(change.rejected.map((item) => item.tenantScope)).toEqual([null, 'acme']);
    expect(change.rejected[1]?.problems).toEqual([
      `${join(folder, 'config/acme/masala_domains.yaml')}:6: domains.Desk.workflow.transitions.OPEN[0]: transition to unknown state "GONE" (defined states: OPEN)`,
    ]);
  });

  it('adds and removes tenant files', () => {
    const set = loadConfigurationSet(folder);
    write('config/acme/masala_domains.yaml', ONE_DOMAIN);
    const added = reloadConfigurationSet(folder, set);
    expect(added.activated.map((item) => item.tenantScope)).toEqual(['acme']);
    expect(added.next.tenants.has('acme')).toBe(true);

    rmSync(join(folder, 'config', 'acme'), { recursive: true });
    const removed = reloadConfigurationSet(folder, added.next);
    expect(removed.removed).toEqual(['acme']);
    expect(removed.next.tenants.has('acme')).toBe(false);
  });

  it('leaves a new invalid tenant file on the root file', () => {
    const set = loadConfigurationSet(folder);
    write('config/acme/masala_domains.yaml', 'domains: {}\n');
    const change = reloadConfigurationSet(folder, set);
    expect(change.next.tenants.has('acme')).toBe(false);
    expect(change.rejected.map((item) => item.tenantScope)).toEqual(['acme']);
  });

  it('changes the signature when a file changes', () => {
    const before = configSignature(folder);
    write('config/acme/masala_domains.yaml', ONE_DOMAIN);
    const added = configSignature(folder);
    write('masala_domains.yaml', ONE_DOMAIN);
    expect(added).not.toBe(before);
    expect(configSignature(folder)).not.toBe(added);
    expect(configSignature(folder)).toBe(configSignature(folder));
  });
});
