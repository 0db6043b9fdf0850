import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../api/src/app.module.js';
import { loadSettings, RequestContext, SYSTEM_ACTOR, type Actor } from '#kernel';
import { TenantRegistry, type Tenant } from '#tenancy';
import { validateDomainConfiguration } from '#tickets';

/** The operator acting through the CLI, recorded as the actor of its changes. */
export const CLI_ACTOR: Actor = { ...SYSTEM_ACTOR, id: 'cli' };

/** Exit codes of every command: success, a failure or problem found, and invalid usage or input. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = EXIT_FAILURE,
  ) {
    super(message);
  }
}

/** An invalid argument or option value; exits with code 2 like a commander usage error. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT_USAGE);
  }
}

/** Boots the application without HTTP, runs `work`, and closes the databases afterwards. */
export async function withApplication<T>(work: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  const settings = loadSettings();
  validateDomainConfiguration(settings.configPath);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(settings), {
    logger: process.env.MASALA_CLI_VERBOSE ? ['log', 'warn', 'error'] : ['error'],
    abortOnError: false,
  });
  try {
    return await RequestContext.run({ correlationId: `cli-${crypto.randomUUID()}`, system: true }, () => work(app));
  } finally {
    await app.close();
  }
}

export async function findTenantOrFail(app: INestApplicationContext, slug: string): Promise<Tenant> {
  const tenant = await app.get(TenantRegistry).findBySlug(slug.toLowerCase());
  if (!tenant) throw new CliError(`Tenant "${slug}" not found; list tenants with: npm run masala -- tenant list`);
  return tenant;
}
