import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { CreateUserCommand } from '#identity';
import { EnsureRequesterCommand, ErrorCode, MasalaException, RequestContext } from '#kernel';
import type { Tenant } from '#tenancy';
import {
  ImportSeedWorkCommand,
  parseSeedData,
  type ImportCounts,
  type SeedPerson,
  type SeedWorkReport,
} from '#tickets';
import { CLI_ACTOR, EXIT_FAILURE, findTenantOrFail, UsageError, withApplication } from '../cli-context.js';
import { examples, print } from '../output.js';

export interface ImportOptions {
  tenant: string;
  domain?: string;
  setField: string[];
  showPasswords?: boolean;
  json?: boolean;
}

export interface ImportResult extends SeedWorkReport {
  tenant: string;
  users: ImportCounts;
  /** Knowledge base articles in the file, which this version does not import. */
  knowledgeBaseArticles: { skipped: number };
  /** Attributes of the file without a place in the platform, such as Phone or Team, with counts. */
  ignoredFields: Record<string, number>;
  /** Generated passwords of created users, only with --show-passwords. */
  passwords?: Array<{ email: string; password: string }>;
}

const ROLE_LISTS = [
  ['Admins', 'Admin'],
  ['Employees', 'Employee'],
  ['Customers', 'Customer'],
] as const;

function parseFieldDefaults(assignments: string[]): Record<string, string> {
  const defaults: Record<string, string> = {};
  for (const assignment of assignments) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(assignment);
    if (!match) throw new UsageError(`--set-field "${assignment}" is invalid: expected name=value, such as urgency=Medium`);
    defaults[match[1]!] = match[2]!;
  }
  return defaults;
}

async function readSeedFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

function countIgnored(ignored: Record<string, number>, names: string[]): void {
  for (const name of names) ignored[name] = (ignored[name] ?? 0) + 1;
}

/**
 * Creates the people of the file with generated passwords, or finds them when their e-mail
 * address is registered already, and returns each lower-case address with its user id.
 */
async function importPeople(app: INestApplicationContext, tenant: Tenant, lists: Record<string, SeedPerson[]>, result: ImportResult) {
  const commands = app.get(CommandBus);
  const people = new Map<string, string>();
  const agents = new Set<string>();
  for (const [list, role] of ROLE_LISTS) {
    for (const [index, person] of lists[list]!.entries()) {
      const email = person.Email.toLowerCase();
      if (role !== 'Customer') agents.add(email);
      countIgnored(result.ignoredFields, person.extra.map((name) => `${list}.${name}`));
      if (people.has(email)) continue;
      const displayName = [person.FirstName, person.LastName].filter(Boolean).join(' ') || undefined;
      try {
        const created = await commands.execute(new CreateUserCommand(tenant.id, CLI_ACTOR, { email, displayName, roles: [role] }));
        people.set(email, created.user.id);
        result.users.created += 1;
        if (result.passwords && created.generatedPassword) result.passwords.push({ email, password: created.generatedPassword });
      } catch (error) {
        if (!(error instanceof MasalaException && error.code === ErrorCode.Conflict)) {
          result.users.failed += 1;
          const reason = error instanceof Error ? error.message : String(error);
          result.failures.push({ item: `${list}[${index}]`, reason });
          continue;
        }
        const existing = await commands.execute(new EnsureRequesterCommand(tenant.id, CLI_ACTOR, { email }));
        people.set(email, existing.userId);
        result.users.skipped += 1;
      }
    }
  }
  return { people, agents };
}

/** Imports a seed_data.json file into a tenant; a second run skips what the first created. */
export async function importSeedFile(app: INestApplicationContext, file: string, options: ImportOptions): Promise<ImportResult> {
  const seed = parseSeedData(await readSeedFile(file));
  const fieldDefaults = parseFieldDefaults(options.setField);
  const tenant = await findTenantOrFail(app, options.tenant);
  const result: ImportResult = {
    tenant: tenant.slug,
    users: { created: 0, skipped: 0, failed: 0 },
    projects: { created: 0, skipped: 0, failed: 0 },
    tickets: { created: 0, skipped: 0, failed: 0 },
    comments: { created: 0, skipped: 0, failed: 0 },
    knowledgeBaseArticles: { skipped: seed.knowledgeBaseArticles },
    ignoredFields: {},
    failures: [],
    ...(options.showPasswords ? { passwords: [] } : {}),
  };
  for (const container of seed.WorkContainers) {
    countIgnored(result.ignoredFields, container.extra.map((name) => `WorkContainers.${name}`));
    for (const item of container.WorkItems) countIgnored(result.ignoredFields, item.extra.map((name) => `WorkItems.${name}`));
  }
  for (const item of seed.UnassignedWorkItems) countIgnored(result.ignoredFields, item.extra.map((name) => `WorkItems.${name}`));

  return RequestContext.withTenant(tenant.id, async () => {
    const lists = { Admins: seed.Admins, Employees: seed.Employees, Customers: seed.Customers };
    const { people, agents } = await importPeople(app, tenant, lists, result);
    const work = await app
      .get(CommandBus)
      .execute(new ImportSeedWorkCommand(tenant.id, tenant.slug, CLI_ACTOR, seed, people, agents, { domainId: options.domain, fieldDefaults }));
    return { ...result, ...work, failures: [...result.failures, ...work.failures] };
  });
}

function describeCounts(name: string, counts: ImportCounts): string {
  return `${name}: ${counts.created} created, ${counts.skipped} skipped, ${counts.failed} failed`;
}

function describeResult(result: ImportResult): string {
  const lines = [
    `Imported into ${result.tenant}`,
    describeCounts('users', result.users),
    describeCounts('projects', result.projects),
    describeCounts('tickets', result.tickets),
    describeCounts('comments', result.comments),
  ];
  if (result.knowledgeBaseArticles.skipped > 0) {
    lines.push(`knowledge base articles: ${result.knowledgeBaseArticles.skipped} skipped (no knowledge base in this version)`);
  }
  const ignored = Object.entries(result.ignoredFields).map(([field, count]) => `${field} (${count})`);
  if (ignored.length > 0) lines.push(`not imported: ${ignored.join(', ')}`);
  for (const failure of result.failures) lines.push(`failed ${failure.item}: ${failure.reason}`);
  if (result.passwords) {
    lines.push('Generated passwords (shown once):');
    for (const { email, password } of result.passwords) lines.push(`  ${email}  ${password}`);
  }
  return lines.join('\n');
}

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description("import the original platform's seed_data.json into a tenant: users, projects, tickets, comments")
    .argument('<file>', 'path of the seed_data.json file')
    .requiredOption('--tenant <slug>', 'tenant to import into')
    .option('--domain <id>', "domain of the imported tickets (default: the configuration's default domain)")
    .option('--set-field <name=value>', 'custom field value for every imported ticket; repeat for more fields', collect, [])
    .option('--show-passwords', 'print the generated passwords of created users once; without it they are never shown')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      examples(
        'npm run masala -- import seed_data.json --tenant acme',
        'npm run masala -- import seed_data.json --tenant acme --set-field urgency=Medium --show-passwords --json',
      ),
    )
    .action(async (file: string, options: ImportOptions) => {
      const result = await withApplication((app) => importSeedFile(app, file, options));
      print(Boolean(options.json), result, describeResult(result));
      if (result.failures.length > 0) process.exitCode = EXIT_FAILURE;
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
