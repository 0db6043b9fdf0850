import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

import { KeyStoreError } from './errors.js';
import { isErrnoException, writeFileAtomic } from './key-store-files.js';

export const KEY_STORE_BACKUP_FORMAT = 'ticket-masala/key-store-backup/v1';

/**
 * Copy of every file of a key store. Every key in it stays wrapped by the master key (and the
 * jurisdiction keys), so the bundle is useless without the master key, which is backed up
 * elsewhere.
 */
export interface KeyStoreBackup {
  format: typeof KEY_STORE_BACKUP_FORMAT;
  createdAt: string;
  /** File contents keyed by path relative to the key store folder, with `/` separators. */
  files: Record<string, string>;
  /** SHA-256 hex of the canonical JSON of `files`. */
  sha256: string;
}

export interface KeyStoreRestoreResult {
  written: string[];
  /** Files that exist already, or whose key was retired or destroyed since the backup. */
  skipped: string[];
}

/** Reads every key store file (temporary files of atomic writes excluded). */
export function backupKeyStore(keyStoreDir: string): KeyStoreBackup {
  const root = resolve(keyStoreDir);
  const files: Record<string, string> = {};
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.isFile())
        files[relative(root, path).split(sep).join('/')] = readFileSync(path, 'utf8');
    }
  };
  visit(root);
  if (files['keystore.json'] === undefined) {
    throw new KeyStoreError(`${root} is not a key store: keystore.json is missing.`);
  }
  return {
    format: KEY_STORE_BACKUP_FORMAT,
    createdAt: new Date().toISOString(),
    files,
    sha256: digest(files),
  };
}

/** Parses and checks a key store backup file. */
export function readKeyStoreBackup(text: string, source: string): KeyStoreBackup {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new KeyStoreError(`${source} is not a key store backup: it is not valid JSON.`);
  }
  const backup = parsed as Partial<KeyStoreBackup>;
  if (
    backup.format !== KEY_STORE_BACKUP_FORMAT ||
    typeof backup.files !== 'object' ||
    backup.files === null
  ) {
    throw new KeyStoreError(`${source} is not a ${KEY_STORE_BACKUP_FORMAT} file.`);
  }
  if (backup.sha256 !== digest(backup.files)) {
    throw new KeyStoreError(`${source} is damaged: its SHA-256 does not match its content.`);
  }
  return backup as KeyStoreBackup;
}

/**
 * Writes the backed-up files that the key store lacks. Existing files are never overwritten, and
 * a key whose retirement or destruction tombstone exists is not brought back. Throws
 * KeyStoreError when the key store belongs to another master key.
 */
export function restoreKeyStore(
  keyStoreDir: string,
  backup: KeyStoreBackup,
): KeyStoreRestoreResult {
  const root = resolve(keyStoreDir);
  const existing = readOptional(join(root, 'keystore.json'));
  if (existing !== undefined && existing !== backup.files['keystore.json']) {
    throw new KeyStoreError(
      `The key store ${root} was created with another master key than the backup. ` +
        'Restore into an empty key store folder (MASALA_KEY_STORE_DIR) instead.',
    );
  }

  const result: KeyStoreRestoreResult = { written: [], skipped: [] };
  const names = Object.keys(backup.files).sort(
    (a, b) => Number(b === 'keystore.json') - Number(a === 'keystore.json'),
  );
  for (const name of names) {
    const target = resolve(root, name);
    if (
      !target.startsWith(`${root}${sep}`) ||
      name.split('/').some((part) => part.startsWith('.'))
    ) {
      throw new KeyStoreError(`The backup names a file outside the key store: ${name}.`);
    }
    const tombstone = target.replace(
      /\.json$/,
      name.includes('/subjects/') ? '.destroyed.json' : '.retired.json',
    );
    if (
      readOptional(target) !== undefined ||
      (tombstone !== target && readOptional(tombstone) !== undefined)
    ) {
      result.skipped.push(name);
      continue;
    }
    mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
    writeFileAtomic(target, backup.files[name] as string, { mode: 0o600, exclusive: true });
    result.written.push(name);
  }
  return result;
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return undefined;
    throw error;
  }
}

function digest(files: Record<string, string>): string {
  const hash = createHash('sha256');
  for (const name of Object.keys(files).sort()) {
    hash.update(`${name}\u0000${files[name]}\u0000`);
  }
  return hash.digest('hex');
}
