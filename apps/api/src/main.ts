import 'reflect-metadata';
import { InvalidSettingsError, loadSettings } from '#kernel';
import { DomainConfigurationError } from '#tickets';
import { createApp } from './app.factory.js';

async function main(): Promise<void> {
  const settings = loadSettings();
  const app = await createApp(settings);
  await app.listen(settings.port);
  process.stdout.write(
    `Ticket Masala API listening on http://localhost:${settings.port}/api/v1 (tenancy: ${settings.tenancy}, data: ${settings.dataDir})\n`,
  );
}

main().catch((error: unknown) => {
  if (error instanceof InvalidSettingsError || error instanceof DomainConfigurationError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`Start-up failed: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
