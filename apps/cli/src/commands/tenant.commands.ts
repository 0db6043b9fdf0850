import { CommandBus } from '@nestjs/cqrs';
import type { Command } from 'commander';
import { CreateTenantCommand, TenantRegistry, type TenantStorage } from '#tenancy';
import { CLI_ACTOR, withApplication } from '../cli-context.js';
import { print, printTable } from '../output.js';

export function registerTenantCommands(program: Command): void {
  const tenant = program.command('tenant').description('create and list tenants');

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
      if (options.storage !== 'shared' && options.storage !== 'dedicated') {
        throw new Error(`--storage "${options.storage}" is invalid: use shared or dedicated`);
      }
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
    .description('list every tenant with its jurisdiction and storage')
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
}
