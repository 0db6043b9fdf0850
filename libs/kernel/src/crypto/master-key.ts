import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { KEY_LENGTH } from './aes-gcm.js';
import { MasterKeyError } from './errors.js';
import { isErrnoException, writeFileAtomic } from './key-store-files.js';

/** Environment variable with the path of a file that contains the master key. */
export const MASTER_KEY_FILE_ENV = 'MASALA_MASTER_KEY_FILE';
/** Environment variable with the master key itself, as base64 or base64url of 32 bytes. */
export const MASTER_KEY_ENV = 'MASALA_MASTER_KEY';
/** File name of the master key generated in the data directory when no key is configured. */
export const GENERATED_MASTER_KEY_FILE = 'master.key';

/** Source of the master key. `data-dir` means `<dataDir>/master.key`. */
export type MasterKeySource =
  | { kind: 'file'; path: string }
  | { kind: 'env' }
  | { kind: 'data-dir'; path: string; created: boolean };

export interface LoadedMasterKey {
  key: Buffer;
  source: MasterKeySource;
  /** Problems the caller should log as warnings, such as a generated or world-readable key file. */
  warnings: string[];
}

export interface MasterKeyOptions {
  /** Environment to read MASALA_MASTER_KEY_FILE and MASALA_MASTER_KEY from. */
  env: Readonly<Record<string, string | undefined>>;
  /** Folder for the generated `master.key` when neither variable is set. */
  dataDir?: string;
}

/**
 * Loads the 32-byte master key from MASALA_MASTER_KEY_FILE, from MASALA_MASTER_KEY, or from
 * `<dataDir>/master.key`, in that order. When none exists, generates `<dataDir>/master.key`
 * with mode 0600 and adds a warning, because a key stored next to the data does not protect a
 * copy of the whole data directory.
 *
 * A key file contains either 32 raw bytes or their base64 text. Setting both variables is
 * rejected as ambiguous.
 */
export function loadMasterKey(options: MasterKeyOptions): LoadedMasterKey {
  const keyFile = nonEmpty(options.env[MASTER_KEY_FILE_ENV]);
  const keyText = nonEmpty(options.env[MASTER_KEY_ENV]);

  if (keyFile !== undefined && keyText !== undefined) {
    throw new MasterKeyError(
      `Both ${MASTER_KEY_FILE_ENV} and ${MASTER_KEY_ENV} are set. Set only one of them.`,
    );
  }
  if (keyFile !== undefined) {
    const path = resolve(keyFile);
    return {
      key: readKeyFile(path),
      source: { kind: 'file', path },
      warnings: permissionWarnings(path),
    };
  }
  if (keyText !== undefined) {
    return { key: decodeKeyText(keyText, MASTER_KEY_ENV), source: { kind: 'env' }, warnings: [] };
  }
  if (options.dataDir === undefined) {
    throw new MasterKeyError(
      `No master key: set ${MASTER_KEY_FILE_ENV} to a key file or ${MASTER_KEY_ENV} to a ` +
        'base64 key, or pass a data directory in which to generate one.',
    );
  }
  return loadOrCreateDataDirKey(resolve(options.dataDir));
}

function loadOrCreateDataDirKey(dataDir: string): LoadedMasterKey {
  const path = join(dataDir, GENERATED_MASTER_KEY_FILE);
  const advice =
    'Move it to a secret store or a path outside the data directory, point ' +
    `${MASTER_KEY_FILE_ENV} at it and back it up. Without it no encrypted value can be read.`;

  if (!fileExists(path)) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const key = randomBytes(KEY_LENGTH);
    try {
      writeFileAtomic(path, `${key.toString('base64')}\n`, { mode: 0o600, exclusive: true });
      return {
        key,
        source: { kind: 'data-dir', path, created: true },
        warnings: [
          `Generated a new master key at ${path} because neither ${MASTER_KEY_FILE_ENV} nor ` +
            `${MASTER_KEY_ENV} is set. ${advice}`,
        ],
      };
    } catch (error) {
      // Another process created the file first, so read the key that it wrote.
      if (!isErrnoException(error) || error.code !== 'EEXIST') {
        throw error;
      }
    }
  }

  return {
    key: readKeyFile(path),
    source: { kind: 'data-dir', path, created: false },
    warnings: [
      `Using the master key in the data directory at ${path}. ${advice}`,
      ...permissionWarnings(path),
    ],
  };
}

function readKeyFile(path: string): Buffer {
  let content: Buffer;
  try {
    content = readFileSync(path);
  } catch (error) {
    throw new MasterKeyError(`Cannot read the master key file ${path}: ${String(error)}.`);
  }
  if (content.length === KEY_LENGTH) {
    return content;
  }
  return decodeKeyText(content.toString('utf8'), `master key file ${path}`);
}

function decodeKeyText(text: string, origin: string): Buffer {
  const trimmed = text.trim();
  const key = /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, 'base64') : undefined;
  if (key === undefined || key.length !== KEY_LENGTH) {
    throw new MasterKeyError(
      `Invalid master key in ${origin}: expected ${KEY_LENGTH} bytes as base64 ` +
        `(for example the output of \`openssl rand -base64 ${KEY_LENGTH}\`) ` +
        `or ${KEY_LENGTH} raw bytes in a file.`,
    );
  }
  return key;
}

function permissionWarnings(path: string): string[] {
  if (process.platform === 'win32') {
    return [];
  }
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) === 0) {
    return [];
  }
  return [
    `Master key file ${path} has mode ${mode.toString(8).padStart(4, '0')}, so other users can ` +
      `access it. Run chmod 600 ${path}.`,
  ];
}

function fileExists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') {
      return false;
    }
    throw error;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
