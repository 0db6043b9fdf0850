import type { INestApplicationContext } from '@nestjs/common';
import type { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DatabaseRouter, FieldEncryption, MASALA_SETTINGS, loadSettings, type MasalaSettings } from '#kernel';
import { CliError, EXIT_FAILURE, EXIT_USAGE, findTenantOrFail, withApplication } from '../cli-context.js';
import { examples, print, withProgress } from '../output.js';
import { manifestPathOf, type BackupManifest } from '../backup/backup-manifest.js';
import { createBackup } from '../backup/create-backup.js';
import { discardRestoreCopy, prepareRestore, restoreBackup, type RestoreResult } from '../backup/restore-backup.js';

const POSTGRES_MESSAGE =
  'back up and restore PostgreSQL with pg_dump and psql (one tenant through its row-level security ' +
  'policies, or the whole database as a backup role); see docs/backup.md';

export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .description("write a consistent online copy of one tenant's data and attachments, with a manifest")
    .argument('<slug>', 'tenant to back up')
    .option('--out <file>', 'database file to create; it must not exist (default: <data dir>/backups/<slug>-<time>.sqlite)')
    .option('--json', 'print the manifest as JSON')
    .addHelpText(
      'after',
      '\nThe API may keep serving meanwhile. The manifest is written beside the file as\n' +
        '<file>.manifest.json; keep both together. The encryption keys are not in the backup:\n' +
        'back up the key store with "keys backup" and keep the master key apart. Exit code 1 means\n' +
        "the tenant's audit chain is broken, so restore would reject this backup. See docs/backup.md.\n" +
        examples(
          'npm run masala -- backup acme --out /srv/backups/acme-2026-12-04.sqlite',
          'npm run masala -- backup acme --json',
        ),
    )
    .action(async (slug: string, options: { out?: string; json?: boolean }) => {
      const settings = loadSettings();
      if (settings.databaseUrl !== undefined) throw new CliError(`On PostgreSQL, ${POSTGRES_MESSAGE}`, EXIT_USAGE);
      const json = Boolean(options.json);
      const manifest = await withApplication((app) =>
        withProgress(`Backing up ${slug}`, 1, { json, stream: process.stderr }, (progress) =>
          backupTenant(app, slug, options.out, progress),
        ),
      );
      print(json, manifest, backupSummary(manifest));
      if (!manifest.auditChain.valid) {
        process.stderr.write(
          `error: the audit chain of ${manifest.tenant.slug} is broken (${manifest.auditChain.reason ?? 'hash mismatch'}); ` +
            'restore rejects this backup. Run "audit verify" for details.\n',
        );
        process.exitCode = EXIT_FAILURE;
      }
    });

  program
    .command('restore')
    .description("replace one tenant's data with a backup, after checking its integrity, schema version and audit chain")
    .argument('<slug>', 'tenant to restore; it need not exist on this instance')
    .argument('<file>', 'database file written by the backup command, with its manifest beside it')
    .option('--allow-jurisdiction-change', 'restore a backup of another jurisdiction than this instance is configured for (audited)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nNothing changes unless every check passes, and the tenant\'s rows are replaced in one\n' +
        'transaction. Into a new data folder, restore the key store backup first ("keys restore")\n' +
        'with the original master key. See docs/backup.md.\n' +
        examples(
          'npm run masala -- keys restore /srv/backups/masala-keys.json',
          'npm run masala -- restore acme /srv/backups/acme-2026-12-04.sqlite',
          'MASALA_JURISDICTION=NL npm run masala -- restore acme acme.sqlite --allow-jurisdiction-change --json',
        ),
    )
    .action(async (slug: string, file: string, options: { allowJurisdictionChange?: boolean; json?: boolean }) => {
      const settings = loadSettings();
      if (settings.databaseUrl !== undefined) throw new CliError(`On PostgreSQL, ${POSTGRES_MESSAGE}`, EXIT_USAGE);
      const json = Boolean(options.json);
      const prepared = prepareRestore(settings, slug, resolve(file));
      try {
        const result = await withApplication((app) =>
          withProgress(`Restoring ${slug}`, restoreSteps(prepared.manifest), { json, stream: process.stderr }, (progress) =>
            restoreBackup(app, prepared, { allowJurisdictionChange: Boolean(options.allowJurisdictionChange), progress }),
          ),
        );
        print(json, result, restoreSummary(result));
      } finally {
        discardRestoreCopy(prepared.workFile);
      }
    });
}

async function backupTenant(
  app: INestApplicationContext,
  slug: string,
  out: string | undefined,
  progress: Parameters<typeof createBackup>[0]['progress'],
): Promise<BackupManifest & { file: string; manifestFile: string }> {
  const settings = app.get<MasalaSettings>(MASALA_SETTINGS);
  const tenant = await findTenantOrFail(app, slug);
  const outFile = resolve(out ?? defaultBackupFile(settings, tenant.slug));
  mkdirSync(dirname(outFile), { recursive: true, mode: 0o700 });
  // The lease keeps a dedicated tenant's database open, and so migrated, while it is copied.
  const manifest = await app.get(DatabaseRouter).withTenantStore(tenant.id, (store) =>
    createBackup({
      settings,
      encryption: app.get(FieldEncryption),
      sourceFile: store.location,
      outFile,
      progress,
      tenant: {
        id: tenant.id,
        slug: tenant.slug,
        name: tenant.name,
        status: tenant.status,
        jurisdiction: tenant.jurisdiction,
        storage: tenant.storage,
        settings: { ...tenant.settings },
      },
    }),
  );
  return { ...manifest, file: outFile, manifestFile: manifestPathOf(outFile) };
}

/** Rows to insert and attachment files to write, the units of the restore progress bar. */
function restoreSteps(manifest: BackupManifest): number {
  return Object.values(manifest.rows).reduce((sum, count) => sum + count, 0) + manifest.attachments.files;
}

function defaultBackupFile(settings: MasalaSettings, slug: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return join(settings.dataDir, 'backups', `${slug}-${stamp}.sqlite`);
}

function backupSummary(manifest: BackupManifest & { file: string }): string {
  const rows = Object.values(manifest.rows).reduce((sum, count) => sum + count, 0);
  const lines = [
    `Backed up ${manifest.tenant.slug} (jurisdiction ${manifest.jurisdiction}) to ${manifest.file}`,
    `  ${rows} rows, ${manifest.attachments.files} attachment files, ${manifest.auditChain.entries} audit entries, ` +
      `schema ${manifest.schemaVersion}`,
    `  SHA-256 ${manifest.database.sha256}; manifest ${manifestPathOf(manifest.file)}`,
    `  needs the data keys ${manifest.dataKeyIds.join(', ') || '(none)'} of the key store to restore`,
  ];
  if (manifest.attachments.missing.length > 0) {
    lines.push(`  ${manifest.attachments.missing.length} attachment files were missing: ${manifest.attachments.missing.join(', ')}`);
  }
  return lines.join('\n');
}

function restoreSummary(result: RestoreResult): string {
  const lines = [
    `Restored ${result.tenant} (jurisdiction ${result.jurisdiction}${result.jurisdictionChanged ? ', jurisdiction change allowed' : ''}): ` +
      `${result.rows} rows, ${result.attachments} attachment files, ${result.auditEntries} audit entries verified` +
      (result.registered ? '; the tenant was registered on this instance' : ''),
  ];
  if (result.erasuresToRepeat.length > 0) {
    lines.push(
      `warning: ${result.erasuresToRepeat.length} users were erased after this backup was made: ${result.erasuresToRepeat.join(', ')}.`,
      `  Their encrypted fields stay unreadable, but erase them again to scrub text such as ticket titles:`,
      `  POST /api/v1/compliance/subjects/<id>/erasure, or npm run masala -- erase <email> --tenant ${result.tenant}`,
    );
  }
  return lines.join('\n');
}
