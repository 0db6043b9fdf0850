import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { Command } from 'commander';
import { once } from 'node:events';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ArchiveAuditEntriesCommand,
  AuditException,
  AuditExports,
  SegmentFileExistsError,
  SegmentFormatError,
  toSegmentLine,
  VerifyAuditChainQuery,
  verifySegmentFile,
  writeSegmentFile,
  type SealedEntry,
} from '#audit';
import { ErrorCode, MASALA_SETTINGS, type MasalaSettings } from '#kernel';
import { CLI_ACTOR, CliError, findTenantOrFail, withApplication } from '../cli-context.js';

/** Output of an audit command and its exit code: 0 success, 1 a broken chain or a failed check. */
export interface CliOutcome {
  exitCode: number;
  output: string;
}

const DAY_MS = 86_400_000;

/** A date (UTC midnight) or a date and time with an explicit zone, as ISO 8601. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

export function parseInstant(option: string, value: string): Date {
  const date = new Date(value);
  if (!ISO_INSTANT.test(value) || Number.isNaN(date.getTime())) {
    throw new CliError(
      `${option} "${value}" is invalid: use an ISO 8601 date such as 2026-01-31 or 2026-01-31T12:00:00Z`,
      2,
    );
  }
  return date;
}

function render(json: boolean, value: unknown, text: string): string {
  return json ? JSON.stringify(value, null, 2) : text;
}

/** Recomputes the tenant's hash chain; exit code 1 when it is broken. */
export async function auditVerify(
  app: INestApplicationContext,
  slug: string,
  options: { json?: boolean } = {},
): Promise<CliOutcome> {
  const tenant = await findTenantOrFail(app, slug);
  const result = await app.get(QueryBus).execute(new VerifyAuditChainQuery(tenant.id));
  const text = result.valid
    ? `Audit chain of ${tenant.slug} is valid: ${result.entries} entries checked`
    : `Audit chain of ${tenant.slug} is broken at entry ${result.firstBrokenId ?? '(none)'} ` +
      `(sequence ${result.firstBrokenSequence ?? '-'}): ${result.reason ?? 'unknown reason'}`;
  return {
    exitCode: result.valid ? 0 : 1,
    output: render(Boolean(options.json), { tenant: tenant.slug, ...result }, text),
  };
}

/** Writes a time range as JSON lines to `out`, or to standard output when `out` is absent. */
export async function auditExport(
  app: INestApplicationContext,
  slug: string,
  options: { from?: string; to?: string; out?: string; json?: boolean },
): Promise<CliOutcome> {
  const from = options.from ? parseInstant('--from', options.from) : undefined;
  const to = options.to ? parseInstant('--to', options.to) : undefined;
  if (from && to && to <= from) throw new CliError('--to must be later than --from', 2);
  const tenant = await findTenantOrFail(app, slug);

  const { header, batches } = await app
    .get(AuditExports)
    .open(tenant.id, CLI_ACTOR, { from, to }, tenant.slug);
  if (!options.out) {
    await writeLines(`${JSON.stringify(header)}\n`, batches);
    return { exitCode: 0, output: '' };
  }
  await writeSegmentFile(options.out, header, batches).catch(rethrowExisting);
  const text = `Exported ${header.entries} entries of ${tenant.slug} to ${options.out}`;
  return {
    exitCode: 0,
    output: render(Boolean(options.json), { file: options.out, ...header }, text),
  };
}

/**
 * Archives entries older than `--before`, or than the tenant's `auditRetentionDays`, to a JSON
 * lines file and removes them from the live table, leaving a checkpoint.
 */
export async function auditArchive(
  app: INestApplicationContext,
  slug: string,
  options: { before?: string; dryRun?: boolean; out?: string; json?: boolean },
): Promise<CliOutcome> {
  const tenant = await findTenantOrFail(app, slug);
  const before = options.before
    ? parseInstant('--before', options.before)
    : retentionCutoff(tenant.settings);
  if (before.getTime() > Date.now()) throw new CliError('--before must not be in the future', 2);
  const settings = app.get<MasalaSettings>(MASALA_SETTINGS);
  const file = options.dryRun
    ? null
    : (options.out ?? defaultArchiveFile(settings.dataDir, tenant.slug, before));

  const command = new ArchiveAuditEntriesCommand(tenant.id, CLI_ACTOR, before, file, {
    dryRun: options.dryRun,
    tenantSlug: tenant.slug,
  });
  const result = await app
    .get(CommandBus)
    .execute(command)
    .catch((error: unknown) => {
      // A broken or changing chain is a problem found, not invalid input: exit code 1.
      if (error instanceof AuditException && error.code === ErrorCode.Conflict)
        throw new CliError(error.message, 1);
      throw error;
    });
  const range =
    result.entries > 0 ? ` (sequences ${result.firstSequence} to ${result.lastSequence})` : '';
  const text = result.dryRun
    ? `Would archive ${result.entries} entries of ${tenant.slug} before ${before.toISOString()}${range}`
    : result.entries === 0
      ? `No entries of ${tenant.slug} before ${before.toISOString()}; nothing archived`
      : `Archived ${result.entries} entries of ${tenant.slug}${range} to ${result.file}; checkpoint ${result.checkpointId}`;
  return {
    exitCode: 0,
    output: render(Boolean(options.json), { tenant: tenant.slug, before, ...result }, text),
  };
}

/** Verifies an archive or export file by the same hash chain; exit code 1 when it is broken. */
export async function auditVerifyArchive(
  file: string,
  options: { json?: boolean } = {},
): Promise<CliOutcome> {
  if (
    !(await stat(file).then(
      (info) => info.isFile(),
      () => false,
    ))
  ) {
    throw new CliError(`${file} is not a readable file`, 2);
  }
  let result;
  try {
    result = await verifySegmentFile(file);
  } catch (error) {
    if (!(error instanceof SegmentFormatError)) throw error;
    const invalid = { valid: false, entries: 0, reason: error.message };
    return {
      exitCode: 1,
      output: render(
        Boolean(options.json),
        invalid,
        `${file} is not a valid audit archive: ${error.message}`,
      ),
    };
  }
  const { header, ...verification } = result;
  const scope = header
    ? `${header.kind} of tenant ${header.tenantSlug ?? header.tenantId}`
    : 'archive';
  const text = verification.valid
    ? `${file} is a valid ${scope}: ${verification.entries} entries`
    : `${file} (${scope}) is broken` +
      (verification.firstBrokenId
        ? ` at entry ${verification.firstBrokenId} (sequence ${verification.firstBrokenSequence})`
        : '') +
      `: ${verification.reason ?? 'unknown reason'}`;
  return {
    exitCode: verification.valid ? 0 : 1,
    output: render(Boolean(options.json), { ...verification, header }, text),
  };
}

function retentionCutoff(settings: { auditRetentionDays?: number } | undefined): Date {
  const days = settings?.auditRetentionDays;
  if (days === undefined) {
    throw new CliError('The tenant has no auditRetentionDays setting; pass --before <date>', 2);
  }
  if (!Number.isInteger(days) || days < 1) {
    throw new CliError(
      `The tenant's auditRetentionDays (${String(days)}) must be a whole number of at least 1`,
      2,
    );
  }
  return new Date(Date.now() - days * DAY_MS);
}

function defaultArchiveFile(dataDir: string, slug: string, before: Date): string {
  const stamp = before
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return join(dataDir, 'audit-archives', slug, `audit-${slug}-before-${stamp}.jsonl`);
}

function rethrowExisting(error: unknown): never {
  if (error instanceof SegmentFileExistsError) throw new CliError(error.message, 2);
  throw error;
}

async function writeLines(first: string, batches: AsyncIterable<SealedEntry[]>): Promise<void> {
  const write = async (chunk: string) => {
    if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
  };
  await write(first);
  for await (const batch of batches)
    await write(batch.map((entry) => `${toSegmentLine(entry)}\n`).join(''));
}

function finish(outcome: CliOutcome): void {
  if (outcome.output) process.stdout.write(`${outcome.output}\n`);
  process.exitCode = outcome.exitCode;
}

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('verify, export and archive the audit trail');

  audit
    .command('verify')
    .description("recompute a tenant's audit hash chain; exit code 1 when it is broken")
    .argument('<slug>', 'tenant slug')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  npm run masala -- audit verify acme --json')
    .action(async (slug: string, options: { json?: boolean }) => {
      finish(await withApplication((app) => auditVerify(app, slug, options)));
    });

  audit
    .command('export')
    .description(
      'write a time range of the audit trail as JSON lines (a header line, then one entry per line)',
    )
    .argument('<slug>', 'tenant slug')
    .option('--from <date>', 'first instant included, ISO 8601 (a date means midnight UTC)')
    .option('--to <date>', 'first instant excluded, ISO 8601')
    .option('--out <file>', 'file to create (never overwritten); standard output when absent')
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      '\nExample:\n  npm run masala -- audit export acme --from 2026-01-01 --to 2026-04-01 --out q1.jsonl',
    )
    .action(
      async (
        slug: string,
        options: { from?: string; to?: string; out?: string; json?: boolean },
      ) => {
        finish(await withApplication((app) => auditExport(app, slug, options)));
      },
    );

  audit
    .command('archive')
    .description(
      "move entries older than the tenant's auditRetentionDays (or --before) to an archive file",
    )
    .argument('<slug>', 'tenant slug')
    .option(
      '--before <date>',
      'archive entries before this instant, ISO 8601; overrides auditRetentionDays',
    )
    .option('--dry-run', 'only count the entries that would be archived')
    .option('--out <file>', 'archive file to create; default <data dir>/audit-archives/<slug>/')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  npm run masala -- audit archive acme --dry-run\n  npm run masala -- audit archive acme --before 2025-01-01',
    )
    .action(
      async (
        slug: string,
        options: { before?: string; dryRun?: boolean; out?: string; json?: boolean },
      ) => {
        finish(await withApplication((app) => auditArchive(app, slug, options)));
      },
    );

  audit
    .command('verify-archive')
    .description(
      'verify an archive or export file by its hash chain; exit code 1 when it is broken',
    )
    .argument('<file>', 'JSON lines file written by audit archive or audit export')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExample:\n  npm run masala -- audit verify-archive data/audit-archives/acme/audit-acme-before-20250101T000000Z.jsonl',
    )
    .action(async (file: string, options: { json?: boolean }) => {
      finish(await auditVerifyArchive(file, options));
    });
}
