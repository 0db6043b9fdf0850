import { randomBytes, randomFillSync } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fstatSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

import { KeyStoreError } from './errors.js';

export interface WriteFileOptions {
  /** File mode of the new file. Defaults to 0o600. */
  mode?: number;
  /**
   * When true, the write fails with an EEXIST error if the target exists, so existing key
   * material is never overwritten. When false, the target is replaced.
   */
  exclusive?: boolean;
}

/**
 * Writes a file atomically: the data goes to a temporary file in the same folder, which is
 * fsynced and then renamed (or hard-linked, for exclusive writes) to the target. The folder is
 * fsynced afterwards, so the new name survives a crash. Exclusive writes therefore need a file
 * system that supports hard links.
 */
export function writeFileAtomic(
  path: string,
  data: string | Buffer,
  options: WriteFileOptions = {},
): void {
  const mode = options.mode ?? 0o600;
  const tempPath = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tempPath, 'wx', mode);
  try {
    // The umask can only remove bits, but fchmod also fixes a mode that the umask left wider.
    fchmodSync(fd, mode);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let offset = 0;
    while (offset < bytes.length) {
      offset += writeSync(fd, bytes, offset, bytes.length - offset);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }

  try {
    if (options.exclusive) {
      linkSync(tempPath, path);
      unlinkSync(tempPath);
    } else {
      renameSync(tempPath, path);
    }
  } catch (error) {
    unlinkQuietly(tempPath);
    throw error;
  }
  fsyncDirectory(dirname(path));
}

/**
 * Overwrites a file with random bytes, fsyncs it and then unlinks it.
 *
 * NOTE: on SSDs, copy-on-write file systems (btrfs, ZFS) and journaled or snapshotted volumes
 * the old blocks can survive the overwrite. Crypto-shredding rests on the unlinked key never
 * being readable through the key store again. Backups of the key store still contain the
 * wrapped key until they expire.
 */
export function shredFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    const size = fstatSync(fd).size;
    const noise = Buffer.alloc(Math.max(size, 1));
    randomFillSync(noise);
    writeSync(fd, noise, 0, size, 0);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  unlinkSync(path);
  fsyncDirectory(dirname(path));
}

/** Reads and parses a JSON file. Returns undefined when the file does not exist. */
export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new KeyStoreError(`Key store file ${path} is not valid JSON: ${String(error)}.`);
  }
}

/**
 * Returns whether a value is a Node.js system error. It checks the shape instead of using
 * `instanceof Error`, which fails for errors from another realm, such as Jest's VM context.
 */
export function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return typeof error === 'object' && error !== null && 'code' in error;
}

function fsyncDirectory(path: string): void {
  // Windows cannot open a folder with openSync, so the folder fsync is skipped there.
  if (process.platform === 'win32') {
    return;
  }
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // The caller rethrows the original error, which matters more than a leftover temp file.
  }
}
