import { mkdtempSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../support/built-server.js';
import { PROJECT_ROOT } from '../../support/test-app.js';

/** Environment for a built server or CLI on a fresh data folder. */
export function freshEnvironment(extra: Record<string, string> = {}): Record<string, string> {
  return {
    MASALA_DATA_DIR: mkdtempSync(join(tmpdir(), 'masala-operator-')),
    MASALA_CONFIG_PATH: PROJECT_ROOT,
    MASALA_SQLITE_SYNCHRONOUS: 'NORMAL',
    ...extra,
  };
}

/** Creates a tenant and users through the built CLI, failing loudly when a command fails. */
export function seedWithCli(
  env: Record<string, string>,
  tenant: string,
  users: Array<{ email: string; role: string; password: string }>,
): void {
  const created = runCli(['tenant', 'create', tenant, '--name', `Tenant ${tenant}`], env);
  if (created.code !== 0) throw new Error(`tenant create failed: ${created.stderr}`);
  for (const user of users) {
    const result = runCli(
      ['user', 'create', user.email, '--tenant', tenant, '--role', user.role, '--password-stdin'],
      env,
      user.password,
    );
    if (result.code !== 0) throw new Error(`user create failed: ${result.stderr}`);
  }
}

export async function logIn(baseUrl: string, tenant: string, email: string, password: string) {
  const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Tenant-ID': tenant },
    body: JSON.stringify({ email, password }),
  });
  if (response.status !== 200) throw new Error(`login failed with ${response.status}: ${await response.text()}`);
  return (await response.json()) as { accessToken: string; refreshToken: string };
}

/**
 * A request written over a raw socket in two parts: the headers and the first half of the body
 * now, the rest on `finish()`. Between the two the request stays in flight on the server, which
 * makes a slow client without any timer.
 */
export class SlowRequest {
  private readonly socket: Socket;
  private received = '';
  private readonly closed: Promise<void>;

  constructor(
    port: number,
    private readonly options: { path: string; headers: Record<string, string>; body: string },
  ) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.setEncoding('utf8');
    this.socket.on('data', (chunk: string) => (this.received += chunk));
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve()));
    const headers = Object.entries({
      Host: `127.0.0.1:${port}`,
      'Content-Type': 'application/json',
      'Content-Length': String(Buffer.byteLength(options.body)),
      Connection: 'close',
      ...options.headers,
    })
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    const half = Math.floor(options.body.length / 2);
    this.socket.write(`POST ${options.path} HTTP/1.1\r\n${headers}\r\n${options.body.slice(0, half)}`);
  }

  /** Sends the rest of the body and resolves with the status code and the raw response. */
  async finish(): Promise<{ status: number; raw: string }> {
    this.socket.end(this.options.body.slice(Math.floor(this.options.body.length / 2)));
    await this.closed;
    return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(this.received)?.[1] ?? 0), raw: this.received };
  }
}

/** Polls `probe` until it returns a value, without a fixed sleep in the test itself. */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
