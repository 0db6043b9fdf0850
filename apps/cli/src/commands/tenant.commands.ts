import { CommandBus } from '@nestjs/cqrs';
import type { Command } from 'commander';
import { MasalaException } from '#kernel';
import {
  ChangeTenantSettingsCommand,
  CreateTenantCommand,
  parseTenantSettingAssignments,
  ResumeTenantCommand,
  SuspendTenantCommand,
  TENANT_SETTING_DEFINITIONS,
  TenantRegistry,
  type Tenant,
  type TenantChangeResult,
  type TenantStorage,
} from '#tenancy';
import { CLI_ACTOR, findTenantOrFail, withApplication } from '../cli-context.js';
import { print, printTable } from '../output.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function summary(tenant: Tenant) {
  return {
    id: tenant.id,
    slug: tenant.slug,
    name: tenant.name,
    status: tenant.status,
    jurisdiction: tenant.jurisdiction,
    storage: tenant.storage,
    settings: tenant.settings ?? {},
  };
}

function settingsTable(tenant: Tenant): string {
  const settings = (tenant.settings ?? {}) as Record<string, unknown>;
  const rows = Object.entries(TENANT_SETTING_DEFINITIONS).map(([key, definition]) => ({
    key,
    value: key in settings ? JSON.stringify(settings[key]) : '(instance default)',
    meaning: definition.description,
  }));
  return printTable(rows, ['key', 'value', 'meaning']);
}

function registerStatusCommands(tenant: Command): void {
  tenant
    .command('suspend')
    .description('block every request of a tenant with 403; its data stays as it is')
    .argument('<slug>', 'tenant to suspend')
    .option('--reason <text>', 'why, recorded in the tenant audit trail (at most 500 characters)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  npm run masala -- tenant suspend acme --reason "unpaid invoice"')
    .action(async (slug: string, options: { reason?: string; json?: boolean }) => {
      const result = await withApplication((app) =>
        app.get(CommandBus).execute(new SuspendTenantCommand(slug, CLI_ACTOR, options.reason)),
      );
      printChange(Boolean(options.json), result, `Tenant ${result.tenant.slug} is suspended`);
    });

  tenant
    .command('resume')
    .description('let a suspended tenant serve requests again')
    .argument('<slug>', 'tenant to resume')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  npm run masala -- tenant resume acme')
    .action(async (slug: string, options: { json?: boolean }) => {
      const result = await withApplication((app) =>
        app.get(CommandBus).execute(new ResumeTenantCommand(slug, CLI_ACTOR)),
      );
      printChange(Boolean(options.json), result, `Tenant ${result.tenant.slug} is active`);
    });
}

function printChange(json: boolean, result: TenantChangeResult, text: string): void {
  print(json, { ...summary(result.tenant), changed: result.changed }, result.changed ? text : `${text} (unchanged)`);
}

function registerSettingsCommand(tenant: Command): void {
  const keys = Object.keys(TENANT_SETTING_DEFINITIONS).join(', ');
  tenant
    .command('settings')
    .description('show a tenant\'s settings, or change them with --set and --unset')
    .argument('<slug>', 'tenant whose settings to show or change')
    .option('--set <key=value>', `set one setting; repeat for several (keys: ${keys})`, collect, [])
    .option('--unset <key>', 'remove one setting so the instance default applies; repeatable', collect, [])
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  npm run masala -- tenant settings acme\n' +
        '  npm run masala -- tenant settings acme --set rateLimitPerMinute=1200 --set mandatoryTwoFactor=true\n' +
        '  npm run masala -- tenant settings acme --set corsOrigins=https://desk.acme.example --unset retentionDays',
    )
    .action(async (slug: string, options: { set: string[]; unset: string[]; json?: boolean }) => {
      const parsed = parseTenantSettingAssignments(options.set);
      if (parsed.errors.length > 0) throw MasalaException.validation(parsed.errors, 'The settings are invalid');

      const changing = options.set.length > 0 || options.unset.length > 0;
      const outcome = await withApplication(async (app) => {
        if (!changing) return { tenant: await findTenantOrFail(app, slug), changed: false };
        return app
          .get(CommandBus)
          .execute(new ChangeTenantSettingsCommand(slug, CLI_ACTOR, { set: parsed.values, unset: options.unset }));
      });
      const heading = changing && !outcome.changed ? 'Settings unchanged\n' : '';
      print(
        Boolean(options.json),
        { ...summary(outcome.tenant), changed: outcome.changed },
        `${heading}${settingsTable(outcome.tenant)}`,
      );
    });
}

export function registerTenantCommands(program: Command): void {
  const tenant = program.command('tenant').description('create, list, suspend and configure tenants');

  tenant
    .command('create')
    .description('create a tenant and print its id')
    .argument('<slug>', 'URL-safe name: lowercase letters, digits and hyphens')
    .requiredOption('--name <name>', 'display name of the organisation')
    .option('--jurisdiction <code>', 'ISO 3166-1 alpha-2 country whose keys and storage apply', 'BE')
    .option('--storage <storage>', 'shared (rows in the shared database) or dedicated (own SQLite file)', 'shared')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  npm run masala -- tenant create acme --name "Acme Hospital" --jurisdiction BE')
    .action(async (slug: string, options: { name: string; jurisdiction: string; storage: string; json?: boolean }) => {
      const created = await withApplication((app) =>
        app.get(CommandBus).execute(
          new CreateTenantCommand(
            {
              slug,
              name: options.name,
              jurisdiction: options.jurisdiction,
              storage: options.storage as TenantStorage,
            },
            CLI_ACTOR,
          ),
        ),
      );
      print(Boolean(options.json), created, created.id);
    });

  tenant
    .command('list')
    .description('list every tenant with its status, jurisdiction and storage')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  npm run masala -- tenant list --json')
    .action(async (options: { json?: boolean }) => {
      const tenants = await withApplication((app) => app.get(TenantRegistry).list());
      const rows = tenants.map((item) => ({
        id: item.id,
        slug: item.slug,
        name: item.name,
        status: item.status,
        jurisdiction: item.jurisdiction,
        storage: item.storage,
      }));
      print(Boolean(options.json), rows, printTable(rows, ['slug', 'name', 'jurisdiction', 'storage', 'status', 'id']));
    });

  registerStatusCommands(tenant);
  registerSettingsCommand(tenant);
}
