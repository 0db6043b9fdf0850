import { Logger } from '@nestjs/common';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bearerMatches } from './metrics-access.js';
import type { MasalaMetrics } from './masala-metrics.js';

/**
 * A second HTTP listener that serves only GET /metrics, for MASALA_METRICS_PORT. It binds to
 * MASALA_METRICS_HOST (127.0.0.1 unless set) and also checks MASALA_METRICS_TOKEN when one is set.
 */
export class MetricsServer {
  private readonly logger = new Logger(MetricsServer.name);
  private server?: Server;

  constructor(
    private readonly metrics: MasalaMetrics,
    private readonly options: { port: number; host: string; token?: string },
  ) {}

  async start(): Promise<AddressInfo> {
    const server = createServer((request, response) => void this.handle(request, response));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    this.logger.log({ message: 'Metrics listener started', host: address.address, port: address.port });
    return address;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics') return this.reply(response, 404, 'Not found: only GET /metrics is served here\n');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      return this.reply(response, 405, 'Method not allowed: use GET\n');
    }
    if (this.options.token && !bearerMatches(request.headers.authorization, this.options.token)) {
      response.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      return this.reply(response, 401, 'A valid metrics bearer token is required\n');
    }
    try {
      const body = await this.metrics.render();
      response.writeHead(200, { 'Content-Type': this.metrics.contentType });
      response.end(request.method === 'HEAD' ? undefined : body);
    } catch (error) {
      this.logger.error({ message: 'Rendering metrics failed', error: String(error) });
      this.reply(response, 500, 'Rendering metrics failed\n');
    }
  }

  private reply(response: ServerResponse, status: number, text: string): void {
    response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end(text);
  }
}
