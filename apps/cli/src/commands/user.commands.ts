import { CommandBus } from '@nestjs/cqrs';
import type { Command } from 'commander';
import { CreateUserCommand } from '#identity';
import { RequestContext } from '#kernel';
import { CLI_ACTOR, findTenantOrFail, withApplication } from '../cli-context.js';
import { print, readStdin } from '../output.js';

export function registerUserCommands(program: Command): void {
  const user = program.command('user').description('manage user accounts');

  user
    .command('create')
    .description('create a user; prints a generated password when none is given')
    .argument('<email>', 'e-mail address, unique within the tenant')
    .requiredOption('--tenant <slug>', 'tenant the user belongs to')
    .requiredOption('--role <role...>', 'Admin, Employee, Customer, ComplianceOfficer or a domain role')
    .option('--name <name>', 'display name')
    .option('--password-stdin', 'read the password from standard input instead of generating one')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  npm run masala -- user create admin@acme.test --tenant acme --role Admin\n' +
        '  printf "%s" "$PASSWORD" | npm run masala -- user create agent@acme.test --tenant acme --role Employee --password-stdin',
    )
    .action(
      async (
        email: string,
        options: { tenant: string; role: string[]; name?: string; passwordStdin?: boolean; json?: boolean },
      ) => {
        const password = options.passwordStdin ? await readStdin() : undefined;
        const result = await withApplication(async (app) => {
          const tenant = await findTenantOrFail(app, options.tenant);
          return RequestContext.withTenant(tenant.id, () =>
            app.get(CommandBus).execute(
              new CreateUserCommand(tenant.id, CLI_ACTOR, {
                email,
                displayName: options.name,
                roles: options.role,
                password,
              }),
            ),
          );
        });
        const summary = {
          id: result.user.id,
          email: result.user.email,
          roles: result.user.roles,
          ...(result.generatedPassword ? { generatedPassword: result.generatedPassword } : {}),
        };
        const text = result.generatedPassword
          ? `${result.user.id}\nGenerated password (shown once): ${result.generatedPassword}`
          : result.user.id;
        print(Boolean(options.json), summary, text);
      },
    );
}
