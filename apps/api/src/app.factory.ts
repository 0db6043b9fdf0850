import { ConsoleLogger, type INestApplication, type LogLevel, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import type { MailPort } from '#identity';
import type { MasalaSettings } from '#kernel';
import { ApiServerModule } from './api-server.module.js';
import { RootNotFoundExpressAdapter } from './http/express-adapter.js';
import { applyHttpSecurity, httpsOptionsFor } from './http/security.js';
import { OpenApiDocument } from './http/openapi.controller.js';
import { RequestObserver } from './http/request-observer.js';
import { RequestLifecycle } from './lifecycle/request-lifecycle.js';
import { MasalaMetrics } from './metrics/masala-metrics.js';

export const API_PREFIX = 'api/v1';

/** Routes served at the root instead of under API_PREFIX. */
export const ROOT_ROUTES = ['health/live', 'health/ready', 'metrics', 'api/docs', 'api/docs-json', 'api/docs/:asset'];

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

type LogSettings = Pick<MasalaSettings, 'logFormat' | 'logLevel'>;

/**
 * Creates the one logger of the API: JSON lines for machines, and readable coloured lines when
 * `logFormat` is `auto` and standard output is a terminal (or when it is `text`).
 */
export function createLogger(
  settings: LogSettings = { logFormat: 'auto', logLevel: 'log' },
  stdout: { isTTY?: boolean } = process.stdout,
): ConsoleLogger {
  const text = settings.logFormat === 'text' || (settings.logFormat === 'auto' && stdout.isTTY === true);
  const logLevels = LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(settings.logLevel) + 1);
  return new ConsoleLogger({ json: !text, colors: text, prefix: 'masala', logLevels });
}

/**
 * Creates the data folder readable by its owner only, because it contains the databases and the
 * generated keys. An existing folder keeps its mode; `masala doctor` reports a loose one.
 */
export function prepareDataDir(dataDir: string): void {
  const existed = statSync(dataDir, { throwIfNoEntry: false })?.isDirectory() ?? false;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (!existed) chmodSync(dataDir, 0o700);
}

/**
 * Builds the HTTP application; used by `main.ts` and by the end-to-end tests. `options.mail`
 * binds another mail port in place of the log adapter.
 */
export async function createApp(
  settings: MasalaSettings,
  options: { logger?: LoggerService | false; mail?: MailPort } = {},
): Promise<INestApplication> {
  prepareDataDir(settings.dataDir);
  const metrics = new MasalaMetrics({ tenantLabels: settings.metricsTenantLabels });
  const lifecycle = new RequestLifecycle();
  metrics.countInFlightWith(() => lifecycle.inFlight);

  const app = await NestFactory.create<NestExpressApplication>(
    ApiServerModule.forRoot(settings, { metrics, lifecycle, mail: options.mail }),
    new RootNotFoundExpressAdapter(),
    {
      bodyParser: false,
      httpsOptions: httpsOptionsFor(settings),
      logger: options.logger ?? createLogger(settings),
      abortOnError: false,
    },
  );
  // First in the Express stack: every response gets a correlation id and a log line, and
  // requests arriving during shutdown never reach a handler.
  applyHttpSecurity(app, settings);
  app.use(new RequestObserver(metrics).middleware);
  app.use(lifecycle.gate);
  app.disable('x-powered-by');
  // Versioned resources set their own ETag. Express would otherwise hash every other body, a
  // ticket page included, for a weak ETag that the page's relative times change on every read.
  app.set('etag', false);
  app.set('trust proxy', settings.trustedProxies.length > 0 ? settings.trustedProxies : false);
  app.setGlobalPrefix(API_PREFIX, { exclude: ROOT_ROUTES });
  app.get(OpenApiDocument).attach(app);
  return app;
}
