import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { connect as netConnect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Creates a self-signed certificate for 127.0.0.1 with the openssl command line tool. */
function createCertificate(folder: string): { cert: string; key: string } {
  const cert = join(folder, 'cert.pem');
  const key = join(folder, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

/** Opens a TLS connection and resolves with the socket, or rejects with the handshake error. */
async function handshake(port: number, options: ConnectionOptions): Promise<TLSSocket> {
  const socket = tlsConnect({ host: '127.0.0.1', port, servername: 'localhost', ...options });
  await Promise.race([
    once(socket, 'secureConnect'),
    once(socket, 'error').then(([error]) => Promise.reject(error as Error)),
  ]);
  return socket;
}

describe('HTTPS', () => {
  let t: TestApp;
  let folder: string;
  let ca: Buffer;
  let port: number;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'masala-tls-'));
    const files = createCertificate(folder);
    ca = readFileSync(files.cert);
    t = await startTestApp({ MASALA_TLS_CERT: files.cert, MASALA_TLS_KEY: files.key });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });

  afterAll(async () => {
    await t.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('rejects a TLS 1.2 client', async () => {
    await expect(handshake(port, { ca, maxVersion: 'TLSv1.2' })).rejects.toThrow(
      /protocol version|unsupported protocol/i,
    );
  });

  it('accepts a TLS 1.3 client', async () => {
    const socket = await handshake(port, { ca, minVersion: 'TLSv1.3' });
    expect(socket.getProtocol()).toBe('TLSv1.3');
    expect(socket.authorized).toBe(true);
    socket.destroy();
  });

  it('sends HSTS over HTTPS', async () => {
    const [response] = (await once(
      httpsGet({ host: '127.0.0.1', port, path: '/health/live', ca, servername: 'localhost' }),
      'response',
    )) as [import('node:http').IncomingMessage];
    response.resume();
    expect(response.statusCode).toBe(200);
    expect(response.headers['strict-transport-security']).toBe(
      'max-age=31536000; includeSubDomains',
    );
  });

  it('serves no plain HTTP', async () => {
    const socket = netConnect({ host: '127.0.0.1', port });
    await once(socket, 'connect');
    socket.write('GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    await once(socket, 'close');
    expect(Buffer.concat(chunks).toString('latin1')).not.toMatch(/^HTTP\//);
  });
});
