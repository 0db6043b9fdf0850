import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { CliError, EXIT_USAGE } from '../cli-context.js';

export const BACKUP_FORMAT = 'ticket-masala/tenant-backup/v1';

/** The tenant registry record, as a backup carries it. */
export interface BackedUpTenant {
  id: string;
  slug: string;
  name: string;
  status: string;
  jurisdiction: string;
  storage: string;
  settings: Record<string, unknown>;
}

/** Last entry of a tenant's audit hash chain. */
export interface ChainHead {
  sequence: number;
  hash: string;
}

/**
 * Description of one tenant backup, written beside the database file as `<file>.manifest.json`
 * once the database file is complete. The SHA-256 covers the database file, which also contains
 * the attachment files.
 */
export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  createdAt: string;
  tenant: BackedUpTenant;
  /** The tenant's jurisdiction, whose key-encryption key wraps the tenant's data keys. */
  jurisdiction: string;
  /** MASALA_JURISDICTION of the instance the backup was made on, when set. */
  instanceJurisdiction?: string;
  /** Name of the newest migration applied to the backed-up database. */
  schemaVersion: string;
  /** Number of migrations applied to the backed-up database. */
  migrations: number;
  /** The tenant's audit chain as verified in the backup file. */
  auditChain: { valid: boolean; entries: number; head: ChainHead | null; reason?: string };
  /** Rows of the tenant per table. */
  rows: Record<string, number>;
  /** Attachment files copied into the backup; `missing` lists attachment ids without a readable file. */
  attachments: { files: number; bytes: number; missing: string[] };
  /** Domain configuration snapshots that the tenant's rows refer to. */
  configVersions: number;
  /** Tenant data keys that the encrypted values in the backup need; the keys are not in the backup. */
  dataKeyIds: string[];
  /** Platform tables without a tenant column, left empty in the backup. */
  excludedTables: string[];
  database: { bytes: number; sha256: string };
}

export function manifestPathOf(file: string): string {
  return `${file}.manifest.json`;
}

export function sha256OfFile(path: string): string {
  const hash = createHash('sha256');
  const buffer = Buffer.alloc(1024 * 1024);
  const fd = openSync(path, 'r');
  try {
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) break;
      hash.update(buffer.subarray(0, read));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** Flushes a file to stable storage, so that a backup reported as written survives power loss. */
export function fsyncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Creates the manifest file (never overwriting one) and flushes it to disk. */
export function writeManifest(file: string, manifest: BackupManifest): void {
  const fd = openSync(manifestPathOf(file), 'wx', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(manifest, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Reads and checks the shape of the manifest of a backup; the checksum is checked separately. */
export function readManifest(file: string): BackupManifest {
  const path = manifestPathOf(file);
  let manifest: Partial<BackupManifest>;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8')) as Partial<BackupManifest>;
  } catch (error) {
    throw new CliError(
      `Cannot read the backup manifest ${path}: ${(error as Error).message}. ` +
        'The backup command writes it beside the database file; copy both files together.',
      EXIT_USAGE,
    );
  }
  const valid =
    manifest.format === BACKUP_FORMAT &&
    typeof manifest.tenant?.id === 'string' &&
    typeof manifest.tenant.slug === 'string' &&
    typeof manifest.jurisdiction === 'string' &&
    typeof manifest.schemaVersion === 'string' &&
    typeof manifest.database?.sha256 === 'string' &&
    typeof manifest.auditChain === 'object' &&
    typeof manifest.rows === 'object';
  if (!valid) throw new CliError(`${path} is not a valid ${BACKUP_FORMAT} manifest`, EXIT_USAGE);
  return manifest as BackupManifest;
}

/** Checks a copy of the backup file against the SHA-256 in its manifest. */
export function assertChecksum(copy: string, source: string, manifest: BackupManifest): void {
  const actual = sha256OfFile(copy);
  if (actual !== manifest.database.sha256) {
    throw new CliError(
      `${source} does not match its manifest: SHA-256 ${actual}, expected ${manifest.database.sha256}. ` +
        'The file is damaged or was changed; restore another backup. Nothing was restored.',
    );
  }
}
