import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { MasterKeyError } from './errors.js';
import { loadMasterKey } from './master-key.js';

const posixOnly = process.platform === 'win32' ? it.skip : it;

describe('loadMasterKey', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'masala-master-key-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  posixOnly('generates master.key with mode 0600', () => {
    const dataDir = join(dir, 'data');
    const loaded = loadMasterKey({ env: {}, dataDir });

    const path = join(dataDir, 'master.key');
    expect(loaded.source).toEqual({ kind: 'data-dir', path, created: true });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(loaded.key).toHaveLength(32);
    expect(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64')).toEqual(loaded.key);
    expect(loaded.warnings).toHaveLength(1);
    expect(loaded.warnings[0]).toContain('Generated a new master key');
  });

  it('reuses the generated key on the next load', () => {
    const dataDir = join(dir, 'data');
    const first = loadMasterKey({ env: {}, dataDir });
    const second = loadMasterKey({ env: {}, dataDir });

    expect(second.key).toEqual(first.key);
    expect(second.source).toEqual({
      kind: 'data-dir',
      path: join(dataDir, 'master.key'),
      created: false,
    });
    expect(second.warnings[0]).toContain('Using the master key in the data directory');
  });

  it('reads base64 from MASALA_MASTER_KEY', () => {
    const key = randomBytes(32);
    const loaded = loadMasterKey({ env: { MASALA_MASTER_KEY: key.toString('base64') } });

    expect(loaded.key).toEqual(key);
    expect(loaded.source).toEqual({ kind: 'env' });
    expect(loaded.warnings).toEqual([]);
  });

  it('reads base64url from MASALA_MASTER_KEY', () => {
    const key = randomBytes(32);
    const loaded = loadMasterKey({ env: { MASALA_MASTER_KEY: key.toString('base64url') } });
    expect(loaded.key).toEqual(key);
  });

  posixOnly('reads a raw key file', () => {
    const key = randomBytes(32);
    const path = join(dir, 'raw.key');
    writeFileSync(path, key, { mode: 0o600 });

    const loaded = loadMasterKey({ env: { MASALA_MASTER_KEY_FILE: path } });

    expect(loaded.key).toEqual(key);
    expect(loaded.source).toEqual({ kind: 'file', path });
    expect(loaded.warnings).toEqual([]);
  });

  it('reads a base64 key file', () => {
    const key = randomBytes(32);
    const path = join(dir, 'text.key');
    writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600 });

    expect(loadMasterKey({ env: { MASALA_MASTER_KEY_FILE: path } }).key).toEqual(key);
  });

  posixOnly('warns about a key file other users can read', () => {
    const path = join(dir, 'open.key');
    writeFileSync(path, randomBytes(32));
    chmodSync(path, 0o644);

    const loaded = loadMasterKey({ env: { MASALA_MASTER_KEY_FILE: path } });

    expect(loaded.warnings).toHaveLength(1);
    expect(loaded.warnings[0]).toContain('mode 0644');
  });

  it('rejects both variables at once', () => {
    const path = join(dir, 'text.key');
    writeFileSync(path, randomBytes(32));
    const env = {
      MASALA_MASTER_KEY_FILE: path,
      MASALA_MASTER_KEY: randomBytes(32).toString('base64'),
    };

    expect(() => loadMasterKey({ env })).toThrow(/Set only one of them/);
  });

  it('rejects a key of the wrong length', () => {
    const env = { MASALA_MASTER_KEY: randomBytes(16).toString('base64') };
    expect(() => loadMasterKey({ env })).toThrow(MasterKeyError);
  });

  it('rejects text that is not base64', () => {
    expect(() => loadMasterKey({ env: { MASALA_MASTER_KEY: 'not a key!' } })).toThrow(
      /Invalid master key in MASALA_MASTER_KEY/,
    );
  });

  it('rejects a missing key file', () => {
    const env = { MASALA_MASTER_KEY_FILE: join(dir, 'missing.key') };
    expect(() => loadMasterKey({ env })).toThrow(/Cannot read the master key file/);
  });

  it('rejects no key and no data directory', () => {
    expect(() => loadMasterKey({ env: { MASALA_MASTER_KEY: '  ' } })).toThrow(/No master key/);
  });
});
