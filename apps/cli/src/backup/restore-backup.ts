import type { INestApplicationContext } from '@nestjs/common';
import Database from 'better-sqlite3';
import { constants, copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { EntityManager } from 'typeorm';
import {
  DatabaseRouter,
  DomainEvent,
  FieldEncryption,
  MASALA_SETTINGS,
  RequestContext,
  TenantDatabase,
  type Actor,
  type MasalaSettings,
} from '#kernel';
import { Tenant, TenantRegistry, type TenantSettings, type TenantStorage } from '#tenancy';
import { CLI_ACTOR, CliError, EXIT_USAGE, UsageError } from '../cli-context.js';
import type { ProgressReporter } from '../output.js';
import { assertChecksum, readManifest, type BackupManifest, type ChainHead } from './backup-manifest.js';
import { checkBackupCopy } from './check-backup.js';
import { attachmentFolderOf } from './create-backup.js';
import { AttachmentRestore } from './restore-attachments.js';
import { CONFIG_VERSIONS_TABLE, columnsOf, hasTable, tenantTables } from './sqlite-tables.js';

/** Tables whose rows are never restored: a rewrite permit exists only inside one transaction. */
const SKIPPED_TABLES = new Set(['audit_rewrite_permits']);
const INSERT_CHUNK_ROWS = 100;

export interface RestoreResult {
  tenant: string;
  tenantId: string;
  jurisdiction: string;
  /** Whether the tenant was not registered here before the restore. */
  registered: boolean;
  rows: number;
  attachments: number;
  migrated: number;
  auditEntries: number;
  jurisdictionChanged: boolean;
  /** Last audit entry of the data that the restore replaced, or null when there was none. */
  replacedChainHead: ChainHead | null;
  /**
   * Users erased here after the backup was made. Their key is destroyed, so their encrypted
   * fields stay unreadable, but text such as ticket titles came back and needs erasing again.
   */
  erasuresToRepeat: string[];
}

/** Recorded in the tenant's audit trail, after the restored entries, by every restore. */
export class TenantRestoredEvent extends DomainEvent {
  readonly action = 'tenant.restored';

  constructor(tenantId: string, actor: Actor, details: Record<string, unknown>) {
    super(tenantId, actor, 'tenant', tenantId, { new: details });
  }
}

/** A backup file checked against its manifest and copied into the data folder. */
export interface PreparedRestore {
  file: string;
  manifest: BackupManifest;
  /** The copy that every check and the import read; `discardRestoreCopy` removes it. */
  workFile: string;
}

/**
 * Prepares a restore before the application starts, so that a wrong or damaged file changes
 * nothing, not even an empty data folder. Reads the manifest, copies the backup into the data
 * folder and checks the copy's SHA-256. A backup file is not a live database, so a file copy is
 * safe here.
 */
export function prepareRestore(settings: MasalaSettings, slug: string, file: string): PreparedRestore {
  if (!existsSync(file)) throw new UsageError(`The backup file ${file} does not exist`);
  const manifest = readManifest(file);
  if (manifest.tenant.slug !== slug.toLowerCase()) {
    throw new UsageError(`${file} is a backup of tenant "${manifest.tenant.slug}", not "${slug}"`);
  }
  if (settings.tenancy === 'isolated' && settings.isolatedTenant !== manifest.tenant.slug) {
    throw new UsageError(
      `This isolated instance serves only tenant "${settings.isolatedTenant}" (MASALA_TENANT), ` +
        `so it cannot take a backup of "${manifest.tenant.slug}"`,
    );
  }
  if (!existsSync(join(settings.keyStoreDir, 'keystore.json'))) {
    // Starting the application would create a new, empty key store, and a key store backup
    // cannot be restored into one made with another master key check value.
    throw new CliError(
      `The key store ${settings.keyStoreDir} does not exist yet. Restore the key store backup of the ` +
        'original instance first (npm run masala -- keys restore <file>), with its master key ' +
        '(MASALA_MASTER_KEY_FILE or MASALA_MASTER_KEY), then run this restore again. Nothing was restored.',
    );
  }
  mkdirSync(settings.dataDir, { recursive: true, mode: 0o700 });
  const workFile = join(settings.dataDir, `.restore-${manifest.tenant.id}-${crypto.randomUUID()}.sqlite`);
  copyFileSync(file, workFile, constants.COPYFILE_EXCL);
  try {
    assertChecksum(workFile, file, manifest);
  } catch (error) {
    discardRestoreCopy(workFile);
    throw error;
  }
  return { file, manifest, workFile };
}

export function discardRestoreCopy(workFile: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${workFile}${suffix}`, { force: true });
}

/**
 * Explains why restoring a backup of `jurisdiction` into this instance crosses jurisdictions:
 * MASALA_JURISDICTION names another one, MASALA_JURISDICTION_FOLDERS has no folder for it, or
 * the tenant is registered here under another one. Returns undefined when nothing conflicts.
 */
export function jurisdictionConflict(
  settings: MasalaSettings,
  jurisdiction: string,
  registered: Tenant | null,
): string | undefined {
  if (settings.jurisdiction !== undefined && settings.jurisdiction !== jurisdiction) {
    return `the backup belongs to jurisdiction ${jurisdiction}, but this instance is configured for ${settings.jurisdiction} (MASALA_JURISDICTION)`;
  }
  const folders = Object.keys(settings.jurisdictionFolders);
  if (folders.length > 0 && !folders.includes(jurisdiction)) {
    return `the backup belongs to jurisdiction ${jurisdiction}, which MASALA_JURISDICTION_FOLDERS does not map (it maps ${folders.join(', ')})`;
  }
  if (registered !== null && registered.jurisdiction !== jurisdiction) {
    return `the backup belongs to jurisdiction ${jurisdiction}, but the tenant is registered here for ${registered.jurisdiction}`;
  }
  return undefined;
}

/**
 * Replaces one tenant's data with a prepared backup. Every check runs on the working copy before
 * anything changes. Then the tenant's rows are deleted and the backup's inserted in one
 * transaction of the tenant's database, so a failure leaves the previous data in place. A tenant
 * that was not registered is registered as suspended until that transaction has committed, and
 * removed again when it fails.
 */
export async function restoreBackup(
  app: INestApplicationContext,
  prepared: PreparedRestore,
  options: { allowJurisdictionChange: boolean; progress: ProgressReporter },
): Promise<RestoreResult> {
  const settings = app.get<MasalaSettings>(MASALA_SETTINGS);
  const { manifest } = prepared;
  const tenant = manifest.tenant;
  const registry = app.get(TenantRegistry);
  const registered = await registry.findById(tenant.id);

  const conflict = jurisdictionConflict(settings, manifest.jurisdiction, registered);
  if (conflict !== undefined && !options.allowJurisdictionChange) {
    throw new CliError(
      `Restore rejected: ${conflict}. Pass --allow-jurisdiction-change to restore it anyway; the ` +
        "change is recorded in the tenant's audit trail. Nothing was restored.",
    );
  }
  const storage: TenantStorage = settings.tenancy === 'database' ? 'dedicated' : (tenant.storage as TenantStorage);
  await assertRestorable(registry, registered, tenant.slug, tenant.id, storage);

  const checked = await checkBackupCopy(prepared.workFile, manifest, settings, app.get(FieldEncryption));
  const copy = new Database(prepared.workFile, { readonly: true, fileMustExist: true });
  try {
    const restoredRows = Object.entries(manifest.rows)
      .filter(([table]) => !SKIPPED_TABLES.has(table))
      .reduce((sum, [, count]) => sum + count, 0);
    options.progress.setTotal(restoredRows + manifest.attachments.files);
    const imported = await importCopy(app, copy, { manifest, storage, conflict, registered, progress: options.progress });
    return { ...imported, migrated: checked.migrated, auditEntries: checked.auditEntries };
  } finally {
    copy.close();
  }
}

async function assertRestorable(
  registry: TenantRegistry,
  registered: Tenant | null,
  slug: string,
  id: string,
  storage: TenantStorage,
): Promise<void> {
  const bySlug = await registry.findBySlug(slug);
  if (bySlug !== null && bySlug.id !== id) {
    throw new CliError(
      `Tenant "${slug}" exists here with another id (${bySlug.id}), but the backup is of tenant id ${id}. ` +
        'Nothing was restored.',
      EXIT_USAGE,
    );
  }
  if (registered !== null && registered.storage !== storage) {
    throw new CliError(
      `Tenant "${slug}" uses ${registered.storage} storage here, but the backup would be restored into ` +
        `${storage} storage. Nothing was restored.`,
      EXIT_USAGE,
    );
  }
}

interface ImportPlan {
  manifest: BackupManifest;
  storage: TenantStorage;
  conflict: string | undefined;
  registered: Tenant | null;
  progress: ProgressReporter;
}

type ImportResult = Omit<RestoreResult, 'migrated' | 'auditEntries'>;

async function importCopy(app: INestApplicationContext, copy: Database.Database, plan: ImportPlan): Promise<ImportResult> {
  const settings = app.get<MasalaSettings>(MASALA_SETTINGS);
  const router = app.get(DatabaseRouter);
  const registry = app.get(TenantRegistry);
  const { manifest, progress } = plan;
  const tenant = manifest.tenant;
  const record = tenantRecord(manifest, plan.storage);

  if (plan.registered === null) {
    await writeCatalog(router, tenant.id, (manager) => manager.insert(Tenant, { ...record, status: 'suspended' }));
    registry.forget(record);
  }
  const attachments = new AttachmentRestore(attachmentFolderOf(settings.dataDir, tenant.id));
  const inCatalog = await router.isInCatalog(tenant.id);
  let files: number;
  let outcome: { rows: number; replacedChainHead: ChainHead | null; erasuresToRepeat: string[] };
  try {
    files = attachments.stage(copy, () => progress.increment());
    outcome = await replaceInOneTransaction(app, copy, plan, record, inCatalog);
  } catch (error) {
    attachments.discard();
    if (plan.registered === null) {
      await writeCatalog(router, tenant.id, (manager) => manager.delete(Tenant, { id: tenant.id }));
      registry.forget(record);
    }
    throw error;
  }

  // The tenant's data is committed from here on. A failure below leaves a dedicated tenant
  // registered as suspended, and running the restore again completes it.
  attachments.commit();
  if (!inCatalog) await writeCatalog(router, tenant.id, (manager) => manager.save(Tenant, record));
  await restoreConfigVersions(router, copy, tenant.id);
  registry.forget(record);
  return {
    tenant: tenant.slug,
    tenantId: tenant.id,
    jurisdiction: manifest.jurisdiction,
    registered: plan.registered === null,
    rows: outcome.rows,
    attachments: files,
    jurisdictionChanged: plan.conflict !== undefined,
    replacedChainHead: outcome.replacedChainHead,
    erasuresToRepeat: outcome.erasuresToRepeat,
  };
}

/**
 * Replaces the tenant's rows and records `tenant.restored` in one unit of work, so the audit
 * entry commits with the data or not at all. In the catalog database the registry record is
 * updated in the same transaction.
 */
function replaceInOneTransaction(
  app: INestApplicationContext,
  copy: Database.Database,
  plan: ImportPlan,
  record: Tenant,
  inCatalog: boolean,
): Promise<{ rows: number; replacedChainHead: ChainHead | null; erasuresToRepeat: string[] }> {
  const settings = app.get<MasalaSettings>(MASALA_SETTINGS);
  const { manifest, progress } = plan;
  const tenantId = manifest.tenant.id;
  const backupErasures = erasedSubjects(copy, tenantId);
  return RequestContext.withTenant(
    tenantId,
    () =>
      app.get(TenantDatabase).write(tenantId, async (unitOfWork) => {
        const manager = unitOfWork.manager;
        const replacedChainHead = await liveChainHead(manager, tenantId);
        const liveErasures = await liveErasedSubjects(manager, tenantId);
        const rows = await replaceTenantRows(manager, copy, tenantId, (count) => progress.increment(count));
        if (inCatalog) await manager.save(Tenant, record);
        const erasuresToRepeat = liveErasures.filter((id) => !backupErasures.has(id));
        await unitOfWork.emit(
          new TenantRestoredEvent(tenantId, CLI_ACTOR, {
            backupCreatedAt: manifest.createdAt,
            sha256: manifest.database.sha256,
            schemaVersion: manifest.schemaVersion,
            jurisdiction: manifest.jurisdiction,
            instanceJurisdiction: settings.jurisdiction ?? null,
            jurisdictionChangeAllowed: plan.conflict !== undefined,
            ...(plan.conflict === undefined ? {} : { jurisdictionConflict: plan.conflict }),
            replacedChainHead,
            erasuresToRepeat,
          }),
        );
        return { rows, replacedChainHead, erasuresToRepeat };
      }),
    { system: true },
  );
}

function tenantRecord(manifest: BackupManifest, storage: TenantStorage): Tenant {
  const tenant = manifest.tenant;
  return Object.assign(new Tenant(), {
    id: tenant.id,
    slug: tenant.slug,
    name: tenant.name,
    status: tenant.status === 'suspended' ? 'suspended' : 'active',
    jurisdiction: manifest.jurisdiction,
    storage,
    settings: tenant.settings as TenantSettings,
  });
}

function writeCatalog(
  router: DatabaseRouter,
  tenantId: string,
  work: (manager: EntityManager) => Promise<unknown>,
): Promise<unknown> {
  return RequestContext.withTenant(tenantId, () => router.catalog().write(tenantId, work), { system: true });
}

async function liveChainHead(manager: EntityManager, tenantId: string): Promise<ChainHead | null> {
  const rows = (await manager.query(
    'SELECT sequence, hash FROM audit_log_entries WHERE tenant_id = ? ORDER BY sequence DESC LIMIT 1',
    [tenantId],
  )) as ChainHead[];
  return rows[0] === undefined ? null : { sequence: rows[0].sequence, hash: rows[0].hash };
}

const ERASED_SUBJECTS_SQL =
  "SELECT DISTINCT entity_id FROM audit_log_entries WHERE tenant_id = ? AND action = 'subject.erased' ORDER BY entity_id";

async function liveErasedSubjects(manager: EntityManager, tenantId: string): Promise<string[]> {
  const rows = (await manager.query(ERASED_SUBJECTS_SQL, [tenantId])) as Array<{ entity_id: string }>;
  return rows.map((row) => row.entity_id);
}

function erasedSubjects(copy: Database.Database, tenantId: string): Set<string> {
  return new Set(copy.prepare(ERASED_SUBJECTS_SQL).pluck().all(tenantId) as string[]);
}

/**
 * Deletes the tenant's rows from every tenant table of the live database and inserts the
 * backup's. The tables' append-only triggers are dropped and created again inside the same
 * transaction, so other connections never read the tables without them. Returns the rows inserted.
 */
async function replaceTenantRows(
  manager: EntityManager,
  copy: Database.Database,
  tenantId: string,
  onInserted: (rows: number) => void,
): Promise<number> {
  const live = (await manager.query('PRAGMA main.table_list')) as Array<{ name: string; type: string }>;
  const liveTables: string[] = [];
  for (const { name, type } of live) {
    if ((type !== 'table' && type !== 'virtual') || name.startsWith('sqlite_') || SKIPPED_TABLES.has(name)) continue;
    if ((await liveColumns(manager, name)).includes('tenant_id')) liveTables.push(name);
  }
  const triggers = (await manager.query(
    `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (${liveTables.map(() => '?').join(', ')})`,
    liveTables,
  )) as Array<{ name: string; sql: string }>;

  for (const trigger of triggers) await manager.query(`DROP TRIGGER "${trigger.name}"`);
  for (const table of liveTables) await manager.query(`DELETE FROM "${table}" WHERE tenant_id = ?`, [tenantId]);

  let inserted = 0;
  const backupTables = new Set(tenantTables(copy));
  for (const table of liveTables.filter((name) => backupTables.has(name))) {
    const present = new Set(await liveColumns(manager, table));
    const columns = columnsOf(copy, table).filter((column) => present.has(column));
    const list = columns.map((column) => `"${column}"`).join(', ');
    const select = copy.prepare(`SELECT ${list} FROM "${table}" WHERE tenant_id = ?`).raw();
    let chunk: unknown[][] = [];
    const flush = async () => {
      await insertRows(manager, table, list, columns.length, chunk);
      inserted += chunk.length;
      onInserted(chunk.length);
      chunk = [];
    };
    for (const row of select.iterate(tenantId) as IterableIterator<unknown[]>) {
      chunk.push(row);
      if (chunk.length === INSERT_CHUNK_ROWS) await flush();
    }
    if (chunk.length > 0) await flush();
  }
  for (const trigger of triggers) await manager.query(trigger.sql);
  return inserted;
}

async function liveColumns(manager: EntityManager, table: string): Promise<string[]> {
  const columns = (await manager.query(`PRAGMA table_info("${table}")`)) as Array<{ name: string }>;
  return columns.map((column) => column.name);
}

async function insertRows(
  manager: EntityManager,
  table: string,
  columnList: string,
  columnCount: number,
  rows: unknown[][],
): Promise<void> {
  const placeholders = `(${new Array<string>(columnCount).fill('?').join(', ')})`;
  await manager.query(
    `INSERT INTO "${table}" (${columnList}) VALUES ${rows.map(() => placeholders).join(', ')}`,
    rows.flat(),
  );
}

/**
 * Adds the domain configuration snapshots of the backup that the catalog lacks. Their ids are
 * content hashes, so an existing row with the same id has the same content.
 */
async function restoreConfigVersions(router: DatabaseRouter, copy: Database.Database, tenantId: string): Promise<void> {
  if (!hasTable(copy, CONFIG_VERSIONS_TABLE)) return;
  const columns = columnsOf(copy, CONFIG_VERSIONS_TABLE);
  const rows = copy.prepare(`SELECT * FROM ${CONFIG_VERSIONS_TABLE}`).raw().all() as unknown[][];
  if (rows.length === 0) return;
  const list = columns.map((column) => `"${column}"`).join(', ');
  const placeholders = `(${columns.map(() => '?').join(', ')})`;
  await writeCatalog(router, tenantId, async (manager) => {
    for (const row of rows) {
      await manager.query(`INSERT OR IGNORE INTO ${CONFIG_VERSIONS_TABLE} (${list}) VALUES ${placeholders}`, row);
    }
  });
}
