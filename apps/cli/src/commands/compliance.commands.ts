import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { Command } from 'commander';
import { createReadStream, createWriteStream } from 'node:fs';
import { PassThrough } from 'node:stream';
import { createInterface } from 'node:readline';
import {
  EraseSubjectCommand,
  ExportSubjectCommand,
  FindDataSubjectQuery,
  RecordConsentCommand,
  RedactTicketCommand,
  RunRetentionCommand,
} from '#compliance';
import type { Tenant } from '#tenancy';
import { CLI_ACTOR, CliError, findTenantOrFail, withApplication } from '../cli-context.js';
import { print } from '../output.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function subjectIdOf(
  app: INestApplicationContext,
  tenant: Tenant,
  email: string,
): Promise<string> {
  const id = await app.get(QueryBus).execute(new FindDataSubjectQuery(tenant.id, email));
  if (!id)
    throw new CliError(`No user with the e-mail address ${email} exists in tenant ${tenant.slug}`);
  return id;
}

/** Writes a subject's export to `out`, or to standard output without ending it. */
export async function exportSubject(
  app: INestApplicationContext,
  email: string,
  options: { tenant: string; out?: string },
): Promise<{ subjectId: string; bytes: number; sections: Record<string, number> }> {
  const tenant = await findTenantOrFail(app, options.tenant);
  const subjectId = await subjectIdOf(app, tenant, email);
  const prepared = await app
    .get(CommandBus)
    .execute(new ExportSubjectCommand(tenant.id, CLI_ACTOR, subjectId));
  let sink;
  if (options.out) {
    sink = createWriteStream(options.out, { flags: 'wx', mode: 0o600 });
  } else {
    sink = new PassThrough();
    sink.pipe(process.stdout, { end: false });
  }
  const summary = await prepared.writeTo(sink);
  return { subjectId, ...summary };
}

/** Replays consent decisions from a JSON lines file: one `{ email, purpose, granted, ... }` per line. */
export async function importConsents(
  app: INestApplicationContext,
  file: string,
  options: { tenant: string },
): Promise<{ imported: number }> {
  const tenant = await findTenantOrFail(app, options.tenant);
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let imported = 0;
  let number = 0;
  for await (const line of lines) {
    number += 1;
    if (line.trim() === '') continue;
    const record = parseConsentLine(line, number);
    const subjectId = await subjectIdOf(app, tenant, record.email);
    await app.get(CommandBus).execute(
      new RecordConsentCommand(tenant.id, CLI_ACTOR, {
        subjectId,
        purpose: record.purpose,
        granted: record.granted,
        policyVersion: record.policyVersion,
        source: 'import',
        decidedAt: record.decidedAt,
      }),
    );
    imported += 1;
  }
  return { imported };
}

function parseConsentLine(line: string, number: number) {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new CliError(`Line ${number} is not valid JSON`, 2);
  }
  const record = (value ?? {}) as Record<string, unknown>;
  const { email, purpose, granted, policyVersion, decidedAt } = record;
  const date = typeof decidedAt === 'string' ? new Date(decidedAt) : undefined;
  if (
    typeof email !== 'string' ||
    typeof purpose !== 'string' ||
    typeof granted !== 'boolean' ||
    typeof policyVersion !== 'string' ||
    (decidedAt !== undefined && (date === undefined || Number.isNaN(date.getTime())))
  ) {
    throw new CliError(
      `Line ${number} is invalid: expected {"email", "purpose", "granted": true|false, "policyVersion", ` +
        '"decidedAt"?: ISO 8601 time}',
      2,
    );
  }
  return { email, purpose, granted, policyVersion, decidedAt: date };
}

export function registerComplianceCommands(program: Command): void {
  program
    .command('export')
    .description('write every record about a person as one JSON document (GDPR Art. 15 and 20)')
    .argument('<email>', "the person's e-mail address")
    .requiredOption('--tenant <slug>', 'tenant the person belongs to')
    .option('--out <file>', 'file to create (it must not exist); standard output when omitted')
    .option('--json', 'print the summary as JSON (with --out)')
    .addHelpText(
      'after',
      '\nExamples:\n  npm run masala -- export jan.peeters@acme.test --tenant acme --out jan.json\n' +
        '  npm run masala -- export jan.peeters@acme.test --tenant acme > jan.json',
    )
    .action(async (email: string, options: { tenant: string; out?: string; json?: boolean }) => {
      const summary = await withApplication((app) => exportSubject(app, email, options));
      if (options.out) {
        const text = `Exported ${summary.bytes} bytes about ${summary.subjectId} to ${options.out}`;
        print(Boolean(options.json), { file: options.out, ...summary }, text);
      }
    });

  program
    .command('erase')
    .description('anonymise a person everywhere and destroy their key (GDPR Art. 17)')
    .argument('<email>', "the person's e-mail address")
    .requiredOption('--tenant <slug>', 'tenant the person belongs to')
    .option(
      '--also <value...>',
      'further values that identify the person in free text, such as a former name (5 or more characters, not a single common word), erased only from records linked to the person',
    )
    .option('--json', 'print the receipt as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  npm run masala -- erase jan.peeters@acme.test --tenant acme\n' +
        '  npm run masala -- erase jan.peeters@acme.test --tenant acme --also "Jan Peeters" --json',
    )
    .action(async (email: string, options: { tenant: string; also?: string[]; json?: boolean }) => {
      const receipt = await withApplication(async (app) => {
        const tenant = await findTenantOrFail(app, options.tenant);
        const subjectId = await subjectIdOf(app, tenant, email);
        // The address given is scrubbed too, in every record, because the lookup index found the
        // person by it: after restoring an older backup, the stored one may be unreadable while
        // free text still contains it.
        const identifiers = [email, ...(options.also ?? [])];
        return app
          .get(CommandBus)
          .execute(new EraseSubjectCommand(tenant.id, CLI_ACTOR, subjectId, identifiers));
      });
      const lines = Object.entries(receipt.counts).flatMap(([context, counts]) =>
        Object.entries(counts).map(([field, count]) => `  ${context} ${field}: ${count}`),
      );
      const text = [
        `Erased ${receipt.subjectId}; subject key ${receipt.subjectKey}; WAL ${receipt.walCheckpoint}`,
        ...lines,
        ...receipt.problems.map((problem) => `problem: ${problem}`),
      ].join('\n');
      print(Boolean(options.json), receipt, text);
      if (!receipt.complete)
        throw new CliError(
          'The erasure committed, but a later step failed; see the problems above',
        );
    });

  program
    .command('redact-ticket')
    .description(
      "replace e-mail addresses, phone numbers, IBANs, card and national numbers in a ticket's text",
    )
    .argument('<id>', 'ticket id')
    .requiredOption('--tenant <slug>', 'tenant of the ticket')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  npm run masala -- redact-ticket 0b6f4c1e-5f3a-4d8e-9c1b-2a7e9f0d4c3b --tenant acme',
    )
    .action(async (id: string, options: { tenant: string; json?: boolean }) => {
      if (!UUID.test(id)) throw new CliError(`"${id}" is not a ticket id (a UUID)`, 2);
      const report = await withApplication(async (app) => {
        const tenant = await findTenantOrFail(app, options.tenant);
        return app.get(CommandBus).execute(new RedactTicketCommand(tenant.id, CLI_ACTOR, id));
      });
      const found = Object.entries(report.replacements['tickets'] ?? {}).filter(
        ([, count]) => count > 0,
      );
      const text = found.length
        ? `Redacted ticket ${id}: ${found.map(([kind, count]) => `${count} ${kind}`).join(', ')}`
        : `Ticket ${id} contains no personal data the scrubber detects; nothing changed`;
      print(Boolean(options.json), report, text);
    });

  const retention = program
    .command('retention')
    .description('apply the retention rules of a tenant');
  retention
    .command('run')
    .description('anonymise or purge closed tickets past their retention period')
    .requiredOption('--tenant <slug>', 'tenant whose rules to apply')
    .option('--dry-run', 'report what would change and change nothing')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  npm run masala -- retention run --tenant acme --dry-run\n' +
        '  npm run masala -- retention run --tenant acme --json',
    )
    .action(async (options: { tenant: string; dryRun?: boolean; json?: boolean }) => {
      const report = await withApplication(async (app) => {
        const tenant = await findTenantOrFail(app, options.tenant);
        const command = new RunRetentionCommand(tenant.id, CLI_ACTOR, {
          dryRun: Boolean(options.dryRun),
        });
        return app.get(CommandBus).execute(command);
      });
      const rows = Object.entries(report.expired).flatMap(([context, domains]) =>
        Object.entries(domains).map(
          ([domain, counts]) =>
            `  ${context} ${domain}: ${counts.anonymise} to anonymise, ${counts.purge} to purge`,
        ),
      );
      const heading =
        report.rules.length === 0
          ? 'The tenant has no retention rules (settings retentionRules or retentionDays); nothing expires'
          : report.dryRun
            ? 'Dry run: nothing changed. Expired records:'
            : 'Applied the retention rules to these expired records:';
      print(Boolean(options.json), report, [heading, ...rows].join('\n'));
    });

  const consent = program.command('consent').description('manage consent records');
  consent
    .command('import')
    .description('record earlier consent decisions from a JSON lines file, with source "import"')
    .argument(
      '<file>',
      'one {"email","purpose","granted","policyVersion","decidedAt"?} object per line',
    )
    .requiredOption('--tenant <slug>', 'tenant of the people in the file')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  npm run masala -- consent import consents.jsonl --tenant acme\n' +
        '  with lines such as {"email":"jan@acme.test","purpose":"marketing_emails","granted":true,"policyVersion":"2026-01"}',
    )
    .action(async (file: string, options: { tenant: string; json?: boolean }) => {
      const result = await withApplication((app) => importConsents(app, file, options));
      print(Boolean(options.json), result, `Imported ${result.imported} consent records`);
    });
}
