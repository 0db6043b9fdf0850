// Shared pieces of the benchmark: processes on loopback, seeding, and autocannon runs.
import autocannon from 'autocannon';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Child processes still running; killed when the runner exits, even after an error. */
const children = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

export async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts a node script and waits until `readyUrl` answers 2xx. */
export async function startProcess(script, env, readyUrl) {
  const child = spawn(process.execPath, [script], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production', MASALA_LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  // Only the tail of stderr is kept: a long run under load can write many warnings.
  let errors = '';
  child.stderr.on('data', (chunk) => (errors = `${errors}${chunk}`.slice(-16_384)));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${script} exited: ${errors}`);
    const ok = await fetch(readyUrl).then((response) => response.ok || response.status === 404).catch(() => false);
    if (ok) return child;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${script} did not start within 30 s: ${errors}`);
}

export async function stopProcess(child) {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await once(child, 'exit');
  clearTimeout(timer);
}

/** Peak resident set size of a process so far, in MiB (Linux VmHWM). */
export async function peakRssMiB(pid) {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Math.round(Number(match[1]) / 1024) : null;
}

export async function currentRssMiB(pid) {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Math.round(Number(match[1]) / 1024) : null;
}

/**
 * Samples a process's resident set size every `intervalMs` until `stop()` is called, which returns
 * the largest sample in MiB. Unlike VmHWM it starts from now, so start-up does not count.
 */
export function sampleRss(pid, intervalMs = 25) {
  let maximum = 0;
  const sample = () =>
    currentRssMiB(pid)
      .then((value) => (maximum = Math.max(maximum, value ?? 0)))
      .catch(() => undefined);
  void sample();
  const timer = setInterval(sample, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await sample();
      return maximum;
    },
  };
}

/** Runs `task(index)` for index 0..count-1 with at most `concurrency` running at once. */
export async function runPool(count, concurrency, task) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next;
      next += 1;
      await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/** Clock ticks per second of the CPU times in /proc/<pid>/stat (USER_HZ). */
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/**
 * CPU time that a process has used so far, user and system, in milliseconds, from fields 14 and
 * 15 of /proc/<pid>/stat. It includes every thread, so V8's garbage collector threads count too.
 */
export function cpuTimeMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces, so count from the closing parenthesis.
  const after = fields.slice(fields.lastIndexOf(')') + 2).split(' ');
  return ((Number(after[11]) + Number(after[12])) * 1000) / CLOCK_TICKS;
}

/**
 * Runs one autocannon load and returns throughput and latency percentiles. `requestsPerSecond`
 * counts every response, `okPerSecond` only the 2xx ones; the latencies cover every response.
 * Unless `warmup` is false, the same load runs first for BENCH_WARMUP_SECONDS (default 1)
 * unrecorded, so that start-up and JIT compilation stay out of the figures.
 *
 * With `server` (the child process that serves the load), the result also carries
 * `serverCpuMsPerRequest`: the server's CPU time during the measured load divided by the
 * responses. It counts only the server's own work, so time that other processes take does not
 * show in it, although their effect on caches does.
 */
export async function load(name, options, { warmup = true, server } = {}) {
  const common = { connections: 32, pipelining: 1, ...options };
  const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 1);
  if (warmup && warmupSeconds > 0) await autocannon({ ...common, duration: warmupSeconds });
  const cpuBefore = server ? cpuTimeMs(server.pid) : undefined;
  const result = await autocannon({ ...common, duration: Number(process.env.BENCH_SECONDS ?? 8) });
  let serverCpuMsPerRequest = null;
  if (cpuBefore !== undefined) {
    const perRequest = (cpuTimeMs(server.pid) - cpuBefore) / Math.max(result.requests.total, 1);
    serverCpuMsPerRequest = Math.round(perRequest * 1000) / 1000;
  }
  const failed = result.non2xx + result.errors + result.timeouts;
  return {
    serverCpuMsPerRequest,
    name,
    connections: options.connections ?? 32,
    ...(options.overallRate ? { offeredRate: options.overallRate } : {}),
    requestsPerSecond: Math.round(result.requests.average),
    okPerSecond: Math.round(result['2xx'] / Math.max(result.duration, 0.001)),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total: result.requests.total,
    failed,
    rejected429: result.statusCodeStats['429']?.count ?? 0,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats).map(([code, stats]) => [code, stats.count]),
    ),
  };
}
