import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { InvalidSettingsError, MasalaException } from '#kernel';
import { DomainConfigurationError } from '#tickets';
import { CliError } from './cli-context.js';
import { registerAuditCommands } from './commands/audit.commands.js';
import { registerKeyCommands } from './commands/keys.commands.js';
import { registerTenantCommands } from './commands/tenant.commands.js';
import { registerUserCommands } from './commands/user.commands.js';

/** Exit codes: 0 success, 1 the operation failed or found a problem, 2 invalid usage or input. */
function describeFailure(error: unknown): { message: string; exitCode: number } {
  if (error instanceof MasalaException) {
    const details = (error.details.errors ?? []).map((item) => `  - ${item.field}: ${item.message}`);
    return { message: [error.message, ...details].join('\n'), exitCode: 2 };
  }
  if (error instanceof InvalidSettingsError || error instanceof DomainConfigurationError) {
    return { message: error.message, exitCode: 2 };
  }
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  return { message: error instanceof Error ? error.message : String(error), exitCode: 1 };
}

const program = new Command('masala')
  .description('Ticket Masala operator commands')
  .showHelpAfterError()
  .exitOverride();
registerTenantCommands(program);
registerUserCommands(program);
registerAuditCommands(program);
registerKeyCommands(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
  const { message, exitCode } = describeFailure(error);
  process.stderr.write(`error: ${message}\n`);
  process.exit(exitCode);
});
