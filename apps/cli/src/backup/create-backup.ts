import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FieldEncryption, MasalaSettings } from '#kernel';
import { CliError, EXIT_USAGE } from '../cli-context.js';
import type { ProgressReporter } from '../output.js';
import { openBackupDataSource, verifyBackupChain } from './backup-chain.js';
import {
  BACKUP_FORMAT,
  fsyncFile,
  manifestPathOf,
  sha256OfFile,
  writeManifest,
  type BackedUpTenant,
  type BackupManifest,
} from './backup-manifest.js';
import {
  ATTACHMENT_FILES_TABLE,
  CONFIG_VERSIONS_TABLE,
  MIGRATIONS_TABLE,
  appliedMigrations,
  columnsOf,
  countRows,
  dataKeyIdsIn,
  fts5Tables,
  tenantTables,
  userTables,
} from './sqlite-tables.js';

/** Attachment files are stored in parts of this size, so no part nears SQLite's 1 GB value limit. */
export const ATTACHMENT_PART_BYTES = 8 * 1024 * 1024;
const ATTACHMENT_ID = /^[0-9a-f-]{36}$/;

/** Attachment contents live beside the databases, as the tickets context stores them. */
export function attachmentFolderOf(dataDir: string, tenantId: string): string {
  return join(dataDir, 'attachments', tenantId);
}

export interface BackupOptions {
  settings: MasalaSettings;
  encryption: FieldEncryption;
  tenant: BackedUpTenant;
  /** The live SQLite file that contains the tenant's rows. */
  sourceFile: string;
  outFile: string;
  progress: ProgressReporter;
}

/**
 * Writes a consistent copy of one tenant's data while the API keeps writing. `VACUUM INTO`
 * copies the source database in one read transaction, so the copy is a snapshot of committed
 * data. The working copy then loses every other tenant's rows and is vacuumed again into
 * `outFile`, which rebuilds every page, so nothing of another tenant survives in the backup.
 * The manifest is written last: a backup without one is incomplete.
 */
export async function createBackup(options: BackupOptions): Promise<BackupManifest> {
  const { settings, tenant, outFile, progress } = options;
  if (existsSync(manifestPathOf(outFile))) {
    throw new CliError(`${manifestPathOf(outFile)} exists already; choose a new --out file`, EXIT_USAGE);
  }
  claimFile(outFile);
  // The working copy contains every tenant of the source until it is cut down, so it stays in
  // the data folder, which is protected like the databases themselves.
  const workFile = join(settings.dataDir, `.backup-${tenant.id}-${crypto.randomUUID()}.sqlite`);
  let complete = false;
  try {
    snapshot(options.sourceFile, workFile, settings.sqliteBusyTimeoutMs);
    progress.increment();
    const copy = new Database(workFile);
    let summary: TenantSummary;
    try {
      summary = keepOnlyTenant(copy, tenant, settings.dataDir, progress);
      copy.prepare('VACUUM INTO ?').run(outFile);
    } finally {
      copy.close();
    }
    const auditChain = await verifyOutput(outFile, settings, options.encryption, tenant.id);
    progress.increment();

    fsyncFile(outFile);
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      createdAt: new Date().toISOString(),
      tenant,
      jurisdiction: tenant.jurisdiction,
      ...(settings.jurisdiction === undefined ? {} : { instanceJurisdiction: settings.jurisdiction }),
      ...summary,
      auditChain,
      database: { bytes: statSync(outFile).size, sha256: sha256OfFile(outFile) },
    };
    writeManifest(outFile, manifest);
    complete = true;
    return manifest;
  } finally {
    if (!complete) rmSync(outFile, { force: true });
    for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${workFile}${suffix}`, { force: true });
  }
}

/** Creates the empty output file with mode 0600; `VACUUM INTO` accepts an empty file. */
function claimFile(file: string): void {
  try {
    closeSync(openSync(file, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new CliError(`${file} exists already; choose a new --out file`, EXIT_USAGE);
    }
    throw error;
  }
}

function snapshot(sourceFile: string, workFile: string, busyTimeoutMs: number): void {
  const source = new Database(sourceFile, { readonly: true, fileMustExist: true });
  try {
    source.pragma(`busy_timeout = ${busyTimeoutMs}`);
    source.prepare('VACUUM INTO ?').run(workFile);
  } finally {
    source.close();
  }
}

type TenantSummary = Pick<
  BackupManifest,
  'schemaVersion' | 'migrations' | 'rows' | 'attachments' | 'configVersions' | 'dataKeyIds' | 'excludedTables'
>;

/**
 * Deletes every row of other tenants from the working copy, with the append-only triggers
 * dropped for the duration and created again afterwards, rebuilds the full-text indexes, which
 * would otherwise keep the deleted rows' terms, and adds the tenant's attachment files.
 */
function keepOnlyTenant(
  copy: Database.Database,
  tenant: BackedUpTenant,
  dataDir: string,
  progress: ProgressReporter,
): TenantSummary {
  copy.pragma('journal_mode = DELETE');
  copy.pragma('foreign_keys = OFF');
  const all = userTables(copy);
  const withTenant = tenantTables(copy);
  const platform = new Set([MIGRATIONS_TABLE, 'tenants', CONFIG_VERSIONS_TABLE]);
  const excludedTables = all.filter((table) => !withTenant.includes(table) && !platform.has(table));
  const triggers = copy.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").all() as Array<{
    name: string;
    sql: string;
  }>;
  const attachmentIds = withTenant.includes('ticket_attachments')
    ? (copy.prepare('SELECT id FROM ticket_attachments WHERE tenant_id = ?').pluck().all(tenant.id) as string[])
    : [];
  progress.setTotal(withTenant.length + attachmentIds.length + 2);

  const rows: Record<string, number> = {};
  let configVersions = 0;
  let attachments: TenantSummary['attachments'] = { files: 0, bytes: 0, missing: [] };
  copy.transaction(() => {
    for (const trigger of triggers) copy.exec(`DROP TRIGGER "${trigger.name}"`);
    for (const table of withTenant) {
      copy.prepare(`DELETE FROM "${table}" WHERE tenant_id <> ?`).run(tenant.id);
      rows[table] = countRows(copy, table, tenant.id);
      progress.increment();
    }
    for (const table of fts5Tables(copy)) copy.prepare(`INSERT INTO "${table}"("${table}") VALUES ('rebuild')`).run();
    if (all.includes('tenants')) copy.prepare('DELETE FROM tenants WHERE id <> ?').run(tenant.id);
    if (all.includes(CONFIG_VERSIONS_TABLE)) configVersions = keepReferencedConfigVersions(copy, withTenant, tenant);
    for (const table of excludedTables) copy.exec(`DELETE FROM "${table}"`);
    for (const trigger of triggers) copy.exec(trigger.sql);
    attachments = addAttachmentFiles(copy, tenant.id, attachmentIds, dataDir, progress);
  })();

  const migrations = appliedMigrations(copy);
  return {
    schemaVersion: migrations.at(-1) ?? 'none',
    migrations: migrations.length,
    rows,
    attachments,
    configVersions,
    dataKeyIds: dataKeyIdsIn(copy, tenant.id),
    excludedTables,
  };
}

/**
 * Keeps the domain configuration snapshots that the tenant's activation, tickets and audit
 * entries name, when they are global or the tenant's own. Snapshots of other tenants' overrides
 * are deleted. Returns how many were kept.
 */
function keepReferencedConfigVersions(
  copy: Database.Database,
  withTenant: readonly string[],
  tenant: BackedUpTenant,
): number {
  const references: string[] = [];
  for (const table of withTenant) {
    const columns = columnsOf(copy, table);
    if (table === 'domain_config_activations' && columns.includes('version_id')) {
      references.push(`SELECT version_id FROM "${table}" WHERE tenant_id = @tenantId`);
    }
    if (columns.includes('config_version')) {
      references.push(`SELECT config_version FROM "${table}" WHERE tenant_id = @tenantId AND config_version IS NOT NULL`);
    }
  }
  const keep =
    references.length === 0
      ? '0'
      : `(tenant_scope IS NULL OR tenant_scope = @slug) AND id IN (${references.join(' UNION ')})`;
  copy.prepare(`DELETE FROM ${CONFIG_VERSIONS_TABLE} WHERE NOT (${keep})`).run({ tenantId: tenant.id, slug: tenant.slug });
  return copy.prepare(`SELECT COUNT(*) FROM ${CONFIG_VERSIONS_TABLE}`).pluck().get() as number;
}

/**
 * Copies the encrypted files of the attachments that the snapshot lists, as stored. A file that
 * is gone (its attachment was erased or expired after the snapshot) is listed as missing.
 */
function addAttachmentFiles(
  copy: Database.Database,
  tenantId: string,
  ids: readonly string[],
  dataDir: string,
  progress: ProgressReporter,
): TenantSummary['attachments'] {
  copy.exec(
    `CREATE TABLE ${ATTACHMENT_FILES_TABLE} (name text NOT NULL, part integer NOT NULL, content blob NOT NULL, ` +
      'PRIMARY KEY (name, part))',
  );
  const insert = copy.prepare(`INSERT INTO ${ATTACHMENT_FILES_TABLE} (name, part, content) VALUES (?, ?, ?)`);
  const missing: string[] = [];
  let files = 0;
  let bytes = 0;
  for (const id of ids) {
    progress.increment();
    if (!ATTACHMENT_ID.test(id)) {
      missing.push(id);
      continue;
    }
    const name = `${id}.bin`;
    let fd: number;
    try {
      fd = openSync(join(attachmentFolderOf(dataDir, tenantId), name), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      missing.push(id);
      continue;
    }
    try {
      const buffer = Buffer.alloc(ATTACHMENT_PART_BYTES);
      for (let part = 0; ; part += 1) {
        const read = readSync(fd, buffer, 0, buffer.length, null);
        if (read === 0 && part > 0) break;
        insert.run(name, part, buffer.subarray(0, read));
        bytes += read;
        if (read < buffer.length) break;
      }
    } finally {
      closeSync(fd);
    }
    files += 1;
  }
  return { files, bytes, missing };
}

/** Checks the finished file: `PRAGMA integrity_check`, then the tenant's audit chain in it. */
async function verifyOutput(
  file: string,
  settings: MasalaSettings,
  encryption: FieldEncryption,
  tenantId: string,
): Promise<BackupManifest['auditChain']> {
  const database = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const integrity = database.pragma('integrity_check', { simple: true }) as string;
    if (integrity !== 'ok') throw new CliError(`The backup file failed PRAGMA integrity_check: ${integrity}`);
  } finally {
    database.close();
  }
  const dataSource = await openBackupDataSource(file, settings, true);
  try {
    const { verification, head } = await verifyBackupChain(dataSource, tenantId, encryption);
    return {
      valid: verification.valid,
      entries: verification.entries,
      head,
      ...(verification.reason === undefined ? {} : { reason: verification.reason }),
    };
  } finally {
    await dataSource.destroy();
  }
}
