import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { PROJECT_ROOT } from './test-app.js';

const SERVER_ENTRY = join(PROJECT_ROOT, 'dist/apps/api/src/main.js');
export const CLI_ENTRY = join(PROJECT_ROOT, 'dist/apps/cli/src/main.js');

/** Compiles apps and libs to dist/ unless the build is newer than every source file. */
export function ensureBuilt(): void {
  execFileSync(process.execPath, [join(PROJECT_ROOT, 'scripts/build-if-stale.mjs')], { cwd: PROJECT_ROOT, stdio: 'inherit' });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const running = new Set<ChildProcess>();
// A failed assertion must not leave servers behind: kill whatever is still running at exit.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface RunningServer {
  port: number;
  baseUrl: string;
  process: ChildProcess;
  output: () => string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

/**
 * Starts the built API as a child process and waits until /health/live responds. A variable set
 * to undefined in `env` is left out of the child's environment, for example NODE_ENV to test its default.
 */
export async function startBuiltServer(env: Record<string, string | undefined>, timeoutMs = 20_000): Promise<RunningServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [SERVER_ENTRY], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, NODE_ENV: 'test', MASALA_LOG_FORMAT: 'json', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const baseUrl = `http://127.0.0.1:${port}`;

  running.add(child);
  child.once('exit', () => running.delete(child));

  // Another process may take the port between freePort() and listen(); then /health/live could
  // be answered by that process, so wait for this child's own log line naming the port.
  const ownLine = `localhost:${port}/api/v1`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Server exited during start-up:\n${output}`);
    const live =
      output.includes(ownLine) &&
      (await fetch(`${baseUrl}/health/live`).then((response) => response.ok).catch(() => false));
    if (live) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Server did not answer within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { port, baseUrl, process: child, output: () => output, exited };
}

/** Runs the built CLI synchronously and returns its exit code and output. */
export function runCli(args: string[], env: Record<string, string>, input?: string) {
  try {
    const stdout = execFileSync(process.execPath, [CLI_ENTRY, ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, NODE_ENV: 'test', ...env },
      input,
      stdio: ['pipe', 'pipe', 'pipe'],
    }).toString();
    return { code: 0, stdout, stderr: '' };
  } catch (error) {
    const failure = error as { status: number | null; stdout?: Buffer; stderr?: Buffer };
    return { code: failure.status ?? 1, stdout: failure.stdout?.toString() ?? '', stderr: failure.stderr?.toString() ?? '' };
  }
}
