import { Logger, type INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import { HealthController } from '../health/health.controller.js';
import { RequestLifecycle } from './request-lifecycle.js';

export interface ShutdownOptions {
  /** Maximum time to wait for requests in flight before their connections are closed. */
  timeoutMs: number;
  /** Work after the HTTP listener closes and before the application (and its databases) closes. */
  beforeClose?: () => Promise<void>;
}

/**
 * Stops the API on SIGTERM or SIGINT: readiness turns false, new requests get 503, requests in
 * flight finish within the timeout, the listener closes, then `app.close()` runs the shutdown
 * hooks, which checkpoint the SQLite WAL and close every database. A second signal exits at once.
 */
export class GracefulShutdown {
  private readonly logger = new Logger(GracefulShutdown.name);
  private running?: Promise<number>;

  constructor(
    private readonly app: INestApplication,
    private readonly options: ShutdownOptions,
  ) {}

  installSignalHandlers(): void {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.on(signal, () => {
        if (this.running) {
          this.logger.warn({ message: 'Second signal received; exiting without finishing shutdown', signal });
          process.exit(1);
        }
        void this.shutdown(signal).then((code) => exitSoon(code));
      });
    }
  }

  /** Runs the shutdown once and resolves with the exit code: 0 when every step succeeded. */
  shutdown(signal: string): Promise<number> {
    this.running ??= this.run(signal);
    return this.running;
  }

  private async run(signal: string): Promise<number> {
    const lifecycle = this.app.get(RequestLifecycle);
    this.logger.log({ message: 'Shutdown started', signal, inFlight: lifecycle.inFlight });
    this.app.get(HealthController).markDraining();
    lifecycle.startDraining();

    const drained = await lifecycle.waitUntilIdle(this.options.timeoutMs);
    if (!drained) {
      this.logger.warn({
        message: 'Shutdown timeout reached; closing connections of requests still in flight',
        timeoutMs: this.options.timeoutMs,
        inFlight: lifecycle.inFlight,
      });
    }
    await closeListener(this.app.getHttpServer() as Server);

    try {
      await this.options.beforeClose?.();
      await this.app.close();
    } catch (error) {
      this.logger.error({ message: 'Shutdown failed', error: error instanceof Error ? error.message : String(error) });
      return 1;
    }
    this.logger.log({ message: 'Shutdown complete', drained });
    return 0;
  }
}

function closeListener(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * Sets the exit code and lets the event loop empty; a timer that does not keep the process
 * alive forces the exit if a library left a handle open.
 */
function exitSoon(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 2000).unref();
}
