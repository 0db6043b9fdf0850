import type { INestApplicationContext } from '@nestjs/common';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import {
  FieldEncryption,
  KeyRotation,
  backupKeyStore,
  loadSettings,
  readKeyStoreBackup,
  restoreKeyStore,
  writeFileAtomic,
  type RotationProgress,
  type RotationResult,
} from '#kernel';
import { TenantRegistry, type Tenant } from '#tenancy';
import { CLI_ACTOR, CliError, findTenantOrFail, withApplication } from '../cli-context.js';
import { print, printTable } from '../output.js';

interface RotateOptions {
  tenant?: string;
  keepOldKeys?: boolean;
  batchSize: string;
  json?: boolean;
}

export function registerKeyCommands(program: Command): void {
  const keys = program
    .command('keys')
    .description('rotate, list and back up the field encryption keys');

  keys
    .command('rotate')
    .description('create a new data key and re-encrypt stored fields while the API keeps serving')
    .option('--tenant <slug>', 'rotate only this tenant (default: every tenant)')
    .option('--keep-old-keys', 'keep replaced key versions for decryption instead of retiring them')
    .option('--batch-size <rows>', 'rows re-encrypted per write transaction', '200')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  npm run masala -- keys rotate --tenant acme')
    .action(async (options: RotateOptions) => {
      const batchSize = Number(options.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
        throw new CliError(
          `--batch-size "${options.batchSize}" is invalid: use a whole number from 1 to 10000`,
          2,
        );
      }
      const results = await withApplication((app) => rotateKeys(app, { ...options, batchSize }));
      const rows = results.map((result) => ({
        tenant: result.slug,
        key: result.activeKeyId,
        reencrypted: String(result.reencrypted),
        retired: result.retiredKeyIds.join(' ') || '-',
      }));
      print(
        Boolean(options.json),
        results,
        printTable(rows, ['tenant', 'key', 'reencrypted', 'retired']),
      );
    });

  keys
    .command('list')
    .description('list the data key versions of every tenant, or of one')
    .option('--tenant <slug>', 'list only this tenant')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  npm run masala -- keys list --tenant acme --json')
    .action(async (options: { tenant?: string; json?: boolean }) => {
      const listed = await withApplication(async (app) => {
        const encryption = app.get(FieldEncryption);
        const tenants = await tenantsFor(app, options.tenant);
        return tenants.flatMap((tenant) =>
          encryption.listTenantKeys(tenant.id).map((key) => ({ tenant: tenant.slug, ...key })),
        );
      });
      const rows = listed.map((key) => ({
        tenant: key.tenant,
        key: key.keyId,
        status: key.status,
        jurisdiction: key.jurisdiction,
        created: key.createdAt,
      }));
      print(
        Boolean(options.json),
        listed,
        printTable(rows, ['tenant', 'key', 'status', 'jurisdiction', 'created']),
      );
    });

  keys
    .command('backup')
    .description('write a copy of the key store, still wrapped by the master key, to a file')
    .requiredOption('--out <file>', 'file to create; it must not exist')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nKeep this file apart from the database backups, and the master key apart from both.\n' +
        'Example:\n  npm run masala -- keys backup --out /secure/masala-keys.json',
    )
    .action(async (options: { out: string; json?: boolean }) => {
      const backup = backupKeyStore(loadSettings().keyStoreDir);
      writeFileAtomic(options.out, `${JSON.stringify(backup, null, 2)}\n`, {
        mode: 0o600,
        exclusive: true,
      });
      const summary = {
        file: options.out,
        files: Object.keys(backup.files).length,
        sha256: backup.sha256,
      };
      print(
        Boolean(options.json),
        summary,
        `Wrote ${summary.files} key store files to ${options.out}`,
      );
    });

  keys
    .command('restore')
    .description('add the keys of a key store backup that this key store lacks')
    .argument('<file>', 'file written by keys backup')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  npm run masala -- keys restore /secure/masala-keys.json')
    .action(async (file: string, options: { json?: boolean }) => {
      const backup = readKeyStoreBackup(readFileSync(file, 'utf8'), file);
      const result = restoreKeyStore(loadSettings().keyStoreDir, backup);
      const text = `Restored ${result.written.length} key store files; ${result.skipped.length} were present already`;
      print(Boolean(options.json), result, text);
    });
}

async function tenantsFor(
  app: INestApplicationContext,
  slug: string | undefined,
): Promise<Tenant[]> {
  return slug === undefined ? app.get(TenantRegistry).list() : [await findTenantOrFail(app, slug)];
}

async function rotateKeys(
  app: INestApplicationContext,
  options: Omit<RotateOptions, 'batchSize'> & { batchSize: number },
): Promise<Array<RotationResult & { slug: string }>> {
  const rotation = app.get(KeyRotation);
  const progress = options.json || !process.stderr.isTTY ? undefined : createProgressBar();
  const results: Array<RotationResult & { slug: string }> = [];
  try {
    for (const tenant of await tenantsFor(app, options.tenant)) {
      const result = await rotation.rotateTenant(tenant.id, {
        batchSize: options.batchSize,
        retireOldKeys: !options.keepOldKeys,
        actor: CLI_ACTOR,
        onProgress: (update) => progress?.update(tenant.slug, update),
      });
      results.push({ ...result, slug: tenant.slug });
    }
  } finally {
    progress?.stop();
  }
  return results;
}

/** Progress bar on standard error, one line per table and pass. */
function createProgressBar(): {
  update: (slug: string, progress: RotationProgress) => void;
  stop: () => void;
} {
  const bar = new cliProgress.SingleBar(
    {
      format:
        '{slug} pass {pass} {table} [{bar}] {value}/{total} rows, {reencrypted} values re-encrypted',
      stream: process.stderr,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let current = '';
  return {
    update: (slug, progress) => {
      const label = `${slug}/${progress.pass}/${progress.table}`;
      const payload = {
        slug,
        pass: progress.pass,
        table: progress.table,
        reencrypted: progress.reencrypted,
      };
      if (label !== current) {
        if (current !== '') bar.stop();
        bar.start(Math.max(progress.total, progress.scanned), progress.scanned, payload);
        current = label;
      }
      bar.setTotal(Math.max(progress.total, progress.scanned));
      bar.update(progress.scanned, payload);
    },
    stop: () => {
      if (current !== '') bar.stop();
    },
  };
}
