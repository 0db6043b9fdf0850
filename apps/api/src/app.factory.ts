import { ConsoleLogger, type INestApplication, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { MasalaSettings } from '#kernel';
import { AppModule } from './app.module.js';

export const API_PREFIX = 'api/v1';

/** JSON lines for machines; readable lines with colours when a person watches a terminal. */
export function createLogger(): LoggerService {
  const pretty = process.stdout.isTTY && process.env.MASALA_LOG_FORMAT !== 'json';
  return new ConsoleLogger({ json: !pretty, colors: pretty, prefix: 'masala' });
}

/** Builds the HTTP application; used by `main.ts` and by the end-to-end tests. */
export async function createApp(
  settings: MasalaSettings,
  options: { logger?: LoggerService | false } = {},
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(settings), {
    bodyParser: false,
    logger: options.logger ?? createLogger(),
    abortOnError: false,
  });
  app.disable('x-powered-by');
  app.set('trust proxy', settings.trustedProxies.length > 0 ? settings.trustedProxies : false);
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health/live', 'health/ready', 'metrics'] });
  app.enableShutdownHooks();
  return app;
}
