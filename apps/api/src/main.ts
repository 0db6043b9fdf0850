import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { InvalidSettingsError, loadSettings } from '#kernel';
import { DomainConfigurationError, validateDomainConfiguration } from '#tickets';
import { createApp } from './app.factory.js';
import { GracefulShutdown } from './lifecycle/graceful-shutdown.js';
import { MasalaMetrics } from './metrics/masala-metrics.js';
import { MetricsServer } from './metrics/metrics-server.js';

async function main(): Promise<void> {
  const settings = loadSettings();
  validateDomainConfiguration(settings.configPath);
  const app = await createApp(settings);
  await app.listen(settings.port);

  const metricsServer =
    settings.metricsPort === undefined
      ? undefined
      : new MetricsServer(app.get(MasalaMetrics), {
          port: settings.metricsPort,
          host: settings.metricsHost,
          token: settings.metricsToken,
        });
  await metricsServer?.start();

  const shutdown = new GracefulShutdown(app, {
    timeoutMs: settings.shutdownTimeoutMs,
    beforeClose: async () => metricsServer?.close(),
  });
  shutdown.installSignalHandlers();

  new Logger('Main').log({
    message: 'Ticket Masala API listening',
    url: `${settings.tlsCertFile ? 'https' : 'http'}://localhost:${settings.port}/api/v1`,
    docs: `${settings.tlsCertFile ? 'https' : 'http'}://localhost:${settings.port}/api/docs`,
    tenancy: settings.tenancy,
    dataDir: settings.dataDir,
  });
}

/** Start-up failures print their message without a stack trace and exit with code 1. */
main().catch((error: unknown) => {
  if (error instanceof InvalidSettingsError || error instanceof DomainConfigurationError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`Start-up failed: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
