import Database from 'better-sqlite3';
import {
  KeyNotFoundError,
  KeyRetiredError,
  type FieldEncryption,
  type MasalaSettings,
} from '#kernel';
import { MASALA_SCHEMA } from '../../../api/src/schema.js';
import { CliError } from '../cli-context.js';
import { openBackupDataSource, verifyBackupChain } from './backup-chain.js';
import type { BackupManifest } from './backup-manifest.js';
import { appliedMigrations, countRows, dataKeyIdsIn, knownMigrations, tenantTables } from './sqlite-tables.js';

export interface CheckedBackup {
  /** Migrations applied to the working copy, for a backup made by an older release. */
  migrated: number;
  auditEntries: number;
  /** Tenant data keys that the encrypted values in the backup need. */
  dataKeyIds: string[];
}

/**
 * Checks a working copy of a backup before anything is replaced. The checks are `PRAGMA
 * integrity_check`, the schema version, the row counts of the manifest, the tenant's data keys
 * in this key store, and the tenant's audit hash chain up to the head recorded in the manifest.
 * A backup from a newer release is rejected, and one from an older release is migrated in the copy.
 */
export async function checkBackupCopy(
  workFile: string,
  manifest: BackupManifest,
  settings: MasalaSettings,
  encryption: FieldEncryption,
): Promise<CheckedBackup> {
  const tenantId = manifest.tenant.id;
  const copy = openCopy(workFile);
  try {
    assertIntegrity(copy);
    assertSchemaVersion(appliedMigrations(copy), manifest);
    assertRowCounts(copy, manifest);
  } finally {
    copy.close();
  }

  const dataSource = await openBackupDataSource(workFile, settings, false);
  let migrated: number;
  let chain: Awaited<ReturnType<typeof verifyBackupChain>>;
  try {
    migrated = (await dataSource.runMigrations({ transaction: 'each' })).length;
    chain = await verifyBackupChain(dataSource, tenantId, encryption).catch((error: unknown) => {
      throw keyErrorToCliError(error, settings);
    });
  } finally {
    await dataSource.destroy();
  }
  const migratedCopy = openCopy(workFile);
  let dataKeyIds: string[];
  try {
    dataKeyIds = dataKeyIdsIn(migratedCopy, tenantId);
  } finally {
    migratedCopy.close();
  }
  assertDataKeys(dataKeyIds, manifest, encryption, settings);

  if (!chain.verification.valid) {
    throw new CliError(
      `The audit chain in the backup is broken at entry ${chain.verification.firstBrokenId ?? '?'} ` +
        `(sequence ${chain.verification.firstBrokenSequence ?? '?'}: ${chain.verification.reason ?? 'hash mismatch'}). ` +
        'Nothing was restored.',
    );
  }
  if (JSON.stringify(chain.head) !== JSON.stringify(manifest.auditChain.head)) {
    throw new CliError(
      `The audit chain in the backup ends at ${JSON.stringify(chain.head)}, but the manifest records ` +
        `${JSON.stringify(manifest.auditChain.head)}, so entries are missing. Nothing was restored.`,
    );
  }
  return { migrated, auditEntries: chain.verification.entries, dataKeyIds };
}

/** Opens the working copy; a file that is not a database at all fails here. */
function openCopy(workFile: string): Database.Database {
  try {
    return new Database(workFile, { fileMustExist: true });
  } catch (error) {
    throw new CliError(`The backup database cannot be opened: ${(error as Error).message}. Nothing was restored.`);
  }
}

function assertIntegrity(copy: Database.Database): void {
  let integrity: string;
  try {
    integrity = (copy.pragma('integrity_check') as Array<{ integrity_check: string }>)
      .map((row) => row.integrity_check)
      .join('; ');
  } catch (error) {
    // A damaged page header makes SQLite raise SQLITE_CORRUPT instead of returning a report.
    integrity = (error as Error).message;
  }
  if (integrity !== 'ok') {
    throw new CliError(`The backup database failed PRAGMA integrity_check: ${integrity}. Nothing was restored.`);
  }
}

/**
 * Accepts a backup whose applied migrations are all known to this release and match its
 * manifest. Missing newer migrations are applied to the working copy afterwards.
 */
function assertSchemaVersion(applied: readonly string[], manifest: BackupManifest): void {
  const known = knownMigrations(MASALA_SCHEMA.migrations);
  const unknown = applied.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new CliError(
      `The backup has schema version ${applied.at(-1) ?? 'none'}, made by a newer release: this release ` +
        `does not know the migrations ${unknown.join(', ')} (its newest is ${known.at(-1) ?? 'none'}). ` +
        'Restore it with the release that made it or a newer one. Nothing was restored.',
    );
  }
  if ((applied.at(-1) ?? 'none') !== manifest.schemaVersion) {
    throw new CliError(
      `The backup has schema version ${applied.at(-1) ?? 'none'}, but its manifest records ` +
        `${manifest.schemaVersion}. Nothing was restored.`,
    );
  }
}

function assertRowCounts(copy: Database.Database, manifest: BackupManifest): void {
  const tables = tenantTables(copy);
  const differences: string[] = [];
  for (const [table, expected] of Object.entries(manifest.rows)) {
    const actual = tables.includes(table) ? countRows(copy, table, manifest.tenant.id) : 0;
    if (actual !== expected) differences.push(`${table}: ${actual} rows, manifest ${expected}`);
  }
  if (differences.length > 0) {
    throw new CliError(`The backup's rows do not match its manifest (${differences.join('; ')}). Nothing was restored.`);
  }
}

/** Requires every data key that the backup's values name to be usable in this key store. */
function assertDataKeys(
  dataKeyIds: readonly string[],
  manifest: BackupManifest,
  encryption: FieldEncryption,
  settings: MasalaSettings,
): void {
  const keys = new Map(encryption.listTenantKeys(manifest.tenant.id).map((key) => [key.keyId, key.status]));
  const unusable = dataKeyIds
    .filter((keyId) => keys.get(keyId) !== 'active' && keys.get(keyId) !== 'decrypt-only')
    .map((keyId) => `${keyId} (${keys.get(keyId) ?? 'missing'})`);
  if (unusable.length === 0) return;
  throw new CliError(
    `The key store ${settings.keyStoreDir} cannot decrypt the backup of ${manifest.tenant.slug}: it needs the data ` +
      `keys ${unusable.join(', ')}. Restore the key store backup made on the original instance first ` +
      '(npm run masala -- keys restore <file>), with the same master key. Nothing was restored.',
  );
}

function keyErrorToCliError(error: unknown, settings: MasalaSettings): unknown {
  if (error instanceof KeyNotFoundError || error instanceof KeyRetiredError) {
    return new CliError(
      `The key store ${settings.keyStoreDir} cannot decrypt the audit trail in the backup (${error.message}). ` +
        'Restore the key store backup made on the original instance first (npm run masala -- keys restore <file>). ' +
        'Nothing was restored.',
    );
  }
  return error;
}
