import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ErrorCode, InvalidSettingsError, MasalaException } from '#kernel';
import { DomainConfigurationError } from '#tickets';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './cli-context.js';
import { registerDoctorCommand } from './commands/doctor.commands.js';
import { registerImportCommand } from './commands/import.commands.js';
import { registerAuditCommands } from './commands/audit.commands.js';
import { registerComplianceCommands } from './commands/compliance.commands.js';
import { registerBackupCommands } from './commands/backup.commands.js';
import { registerKeyCommands } from './commands/keys.commands.js';
import { registerTenantCommands } from './commands/tenant.commands.js';
import { registerUserCommands } from './commands/user.commands.js';

/**
 * Maps an error to its message and exit code: 1 for a failure (including a record that does not
 * exist, as for an unknown tenant), 2 for invalid usage or input.
 */
export function describeFailure(error: unknown): { message: string; exitCode: number } {
  if (error instanceof MasalaException) {
    const details = (error.details.errors ?? []).map((item) => `  - ${item.field}: ${item.message}`);
    const exitCode = error.code === ErrorCode.NotFound ? EXIT_FAILURE : EXIT_USAGE;
    return { message: [error.message, ...details].join('\n'), exitCode };
  }
  if (error instanceof InvalidSettingsError || error instanceof DomainConfigurationError) {
    return { message: error.message, exitCode: EXIT_USAGE };
  }
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  return { message: error instanceof Error ? error.message : String(error), exitCode: EXIT_FAILURE };
}

const OVERVIEW = `
Exit codes: 0 success, 1 the operation failed or a check found a problem, 2 invalid usage or input.
Every command accepts --json for scripts; errors are then printed to stderr as {"error", "exitCode"}.
Settings come from the environment, as for the API (see README.md, Configuration).

Examples:
  npm run masala -- doctor
  npm run masala -- tenant create acme --name "Acme Hospital" --jurisdiction BE
  npm run masala -- tenant list --json
  npm run masala -- <command> --help`;

/**
 * Builds the `masala` command tree, where each context registers its commands. With `json`,
 * commander prints no usage error, because runCli prints it as JSON. The setting comes before
 * the commands are added, so that every subcommand inherits it.
 */
export function buildProgram(options: { json?: boolean } = {}): Command {
  const program = new Command('masala')
    .description('Ticket Masala operator commands')
    .exitOverride()
    .addHelpText('after', OVERVIEW);
  if (options.json) program.configureOutput({ writeErr: () => undefined });
  else program.showHelpAfterError();
  registerTenantCommands(program);
  registerUserCommands(program);
  registerAuditCommands(program);
  registerComplianceCommands(program);
  registerKeyCommands(program);
  registerBackupCommands(program);
  registerDoctorCommand(program);
  registerImportCommand(program);
  return program;
}

function reportFailure(error: unknown, json: boolean): number {
  const { message, exitCode } = describeFailure(error);
  process.stderr.write(json ? `${JSON.stringify({ error: message, exitCode })}\n` : `error: ${message}\n`);
  return exitCode;
}

/**
 * Runs the CLI and exits with its code. The explicit exit ends the process even when a library
 * leaves a handle open after the application context has closed.
 */
export async function runCli(argv: string[]): Promise<never> {
  const json = argv.includes('--json');
  try {
    await buildProgram({ json }).parseAsync(argv);
    process.exit(process.exitCode ?? EXIT_OK);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) process.exit(EXIT_OK);
      if (json) {
        const message = error.message.replace(/^error: /, '');
        process.stderr.write(`${JSON.stringify({ error: message, exitCode: EXIT_USAGE })}\n`);
      }
      process.exit(EXIT_USAGE);
    }
    process.exit(reportFailure(error, json));
  }
}

const entry = process.argv[1] ? realpathSync(process.argv[1]) : '';
if (entry === fileURLToPath(import.meta.url)) void runCli(process.argv);
