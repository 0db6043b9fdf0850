import type { HttpsOptions, INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { ServerOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import type { MasalaSettings } from '#kernel';
import { PROBLEM_CONTENT_TYPE, problem } from './problem.filter.js';

/** HSTS lifetime: one year, in seconds. */
export const HSTS_MAX_AGE_SECONDS = 31_536_000;

/** Paths of the Swagger UI, whose page needs scripts and styles from this origin. */
const DOCS_PATH = /^\/api\/docs(\/|$|-json)/;

/**
 * TLS options when MASALA_TLS_CERT and MASALA_TLS_KEY are set: the server then speaks HTTPS
 * only, with TLS 1.3 as the lowest version. Returns undefined for plain HTTP.
 */
export function httpsOptionsFor(settings: MasalaSettings): HttpsOptions | undefined {
  if (settings.tlsCertFile === undefined || settings.tlsKeyFile === undefined) return undefined;
  const options: ServerOptions = {
    cert: readFileSync(settings.tlsCertFile),
    key: readFileSync(settings.tlsKeyFile),
    minVersion: 'TLSv1.3',
  };
  // Nest's HttpsOptions type lists fewer fields than https.createServer, which receives them all.
  return options as HttpsOptions;
}

/**
 * Installs the security headers (helmet 8, HSTS of one year with includeSubDomains), the
 * `Cache-Control: no-store` header and the header size limit. The middleware goes first in the
 * Express stack, so errors, 404s and 429s carry the headers too.
 */
export function applyHttpSecurity(app: INestApplication, settings: MasalaSettings): void {
  const hsts = { maxAge: HSTS_MAX_AGE_SECONDS, includeSubDomains: true };
  const api = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"] },
    },
    strictTransportSecurity: hsts,
  });
  const docs = helmet({ strictTransportSecurity: hsts });
  const apiHeaders = [['Cache-Control', 'no-store'], ...staticHeadersOf(api)] as const;

  app.use((request: Request, response: Response, next: NextFunction) => {
    if (DOCS_PATH.test(request.path)) {
      docs(request, response, next);
      return;
    }
    for (const [name, value] of apiHeaders) response.setHeader(name, value);
    next();
  });

  // Node reads maxHeaderSize from the server for each new connection (Node 20 _http_server.js).
  const server = app.getHttpServer() as Server & { maxHeaderSize?: number };
  server.maxHeaderSize = settings.maxHeaderBytes;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) =>
    respondToClientError(error, socket, settings.maxHeaderBytes),
  );
}

/**
 * Runs a helmet middleware once on a stand-in response and returns the headers it sets. The API's
 * helmet settings contain no per-request value such as a nonce, so every response can get the
 * same headers without passing through helmet's dozen middlewares each time.
 */
function staticHeadersOf(middleware: ReturnType<typeof helmet>): Array<[string, string]> {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader: (name: string, value: unknown) => headers.set(name, String(value)),
    removeHeader: (name: string) => headers.delete(name),
  };
  let finished = false;
  middleware({} as Request, recorder as unknown as Response, (error?: unknown) => {
    if (error !== undefined) throw error instanceof Error ? error : new Error(String(error));
    finished = true;
  });
  if (!finished) throw new Error('Invalid helmet setup: its middleware did not finish synchronously, so its headers cannot be computed at startup');
  return [...headers];
}

/**
 * Responds to a request that Node's HTTP parser rejected before any middleware ran: 431 for a
 * request line and headers beyond the limit, 400 for other malformed requests.
 */
function respondToClientError(
  error: NodeJS.ErrnoException,
  socket: Duplex,
  maxHeaderBytes: number,
): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? 431 : 400;
  const document = tooLarge
    ? problem(
        431,
        'header_too_large',
        `The request line and headers exceed the limit of ${maxHeaderBytes} bytes`,
      )
    : problem(400, 'malformed_request', 'The request is not valid HTTP/1.1');
  const body = JSON.stringify({
    ...document,
    title: tooLarge ? 'Request Header Fields Too Large' : 'Bad Request',
  });
  const reason = tooLarge ? 'Request Header Fields Too Large' : 'Bad Request';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\n` +
      `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Cache-Control: no-store\r\n' +
      'X-Content-Type-Options: nosniff\r\n' +
      `Strict-Transport-Security: max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains\r\n` +
      "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n" +
      'Connection: close\r\n\r\n' +
      body,
  );
}
