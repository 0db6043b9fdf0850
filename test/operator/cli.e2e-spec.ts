import { beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import type { Command } from 'commander';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProgram } from '../../apps/cli/src/main.js';
import { ensureBuilt, runCli } from '../support/built-server.js';
import { freshEnvironment } from './support/operator-fixture.js';

interface DoctorReport {
  ok: boolean;
  checks: Array<{ check: string; status: 'ok' | 'warn' | 'fail' | 'skip'; detail: string; fix?: string }>;
}

function leafCommands(command: Command, path: string[] = []): Array<{ path: string; command: Command }> {
  if (command.commands.length === 0) return [{ path: path.join(' '), command }];
  return command.commands.flatMap((child) => leafCommands(child, [...path, child.name()]));
}

function helpOf(command: Command): string {
  let text = '';
  command.configureOutput({ writeOut: (chunk) => (text += chunk), writeErr: (chunk) => (text += chunk) });
  command.outputHelp();
  return text;
}

function doctor(env: Record<string, string>): { code: number; report: DoctorReport } {
  const result = runCli(['doctor', '--json'], env);
  return { code: result.code, report: JSON.parse(result.stdout) as DoctorReport };
}

const failuresOf = (report: DoctorReport) => report.checks.filter((check) => check.status === 'fail');

describe('CLI help', () => {
  const program = buildProgram();

  it('shows examples and --json on every command', () => {
    const leaves = leafCommands(program);
    expect(leaves.map((leaf) => leaf.path)).toEqual(expect.arrayContaining(['tenant create', 'user create', 'doctor']));
    const helps = leaves.map(({ path, command }) => ({ path, help: helpOf(command) }));
    expect(helps.filter(({ help }) => !/Examples?:\n {2}\S/.test(help)).map(({ path }) => path)).toEqual([]);
    expect(helps.filter(({ help }) => !help.includes('--json')).map(({ path }) => path)).toEqual([]);
  });

  it('explains exit codes in the overview', () => {
    const help = helpOf(program);
    expect(help).toContain('Exit codes: 0 success, 1 the operation failed or a check found a problem, 2 invalid usage or input.');
    expect(help).toContain('doctor');
  });
});

describe('CLI exit codes', () => {
  let env: Record<string, string>;

  beforeAll(() => {
    ensureBuilt();
    env = freshEnvironment();
  }, 120_000);

  it('exits 0 for --help', () => {
    const result = runCli(['--help'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: masala');
  });

  it('exits 2 for an unknown command', () => {
    expect(runCli(['no-such-command'], env).code).toBe(2);
  });

  it('exits 2 for a missing option', () => {
    const result = runCli(['tenant', 'create', 'acme'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("required option '--name <name>' not specified");
  });

  it('exits 2 for invalid input, as JSON with --json', () => {
    const result = runCli(['tenant', 'create', 'Not_A_Slug', '--name', 'Bad', '--json'], env);
    expect(result.code).toBe(2);
    const error = JSON.parse(result.stderr) as { error: string; exitCode: number };
    expect(error.exitCode).toBe(2);
    expect(error.error).toContain('slug');
  });

  it('prints usage errors as JSON with --json', () => {
    for (const args of [
      ['no-such-command', '--json'],
      ['tenant', 'create', 'acme', '--json'],
      ['tenant', 'list', '--json', '--bogus'],
    ]) {
      const result = runCli(args, env);
      expect(result.code).toBe(2);
      const error = JSON.parse(result.stderr) as { error: string; exitCode: number };
      expect(error).toEqual({ error: expect.any(String), exitCode: 2 });
      expect(error.error).not.toMatch(/^error:/);
    }
  });

  it('exits 1 when the operation fails', () => {
    const result = runCli(['user', 'create', 'a@b.test', '--tenant', 'missing', '--role', 'Admin'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Tenant "missing" not found');
  });

  it('exits 0 and prints JSON on success', () => {
    expect(runCli(['tenant', 'create', 'acme', '--name', 'Acme'], env).code).toBe(0);
    const listed = runCli(['tenant', 'list', '--json'], env);
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as Array<{ slug: string }>).map((tenant) => tenant.slug)).toEqual(['acme']);
  });

  it('exits 1 for a missing record', () => {
    // Runs after the success test, which created acme.
    const result = runCli(
      ['redact-ticket', '0b9d0a5e-3f5c-4c47-9d2e-5b0c2f4b1a10', '--tenant', 'acme', '--json'],
      env,
    );
    expect(result.code).toBe(1);
    expect((JSON.parse(result.stderr) as { exitCode: number }).exitCode).toBe(1);
  });
});

describe('masala doctor', () => {
  beforeAll(() => {
    ensureBuilt();
  }, 120_000);

  it('passes on a data folder the platform created', () => {
    const env = freshEnvironment();
    expect(runCli(['tenant', 'create', 'acme', '--name', 'Acme', '--storage', 'dedicated'], env).code).toBe(0);
    const { code, report } = doctor(env);
    expect(failuresOf(report)).toEqual([]);
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    const checks = new Set(report.checks.map((check) => check.check));
    for (const name of ['settings', 'domain configuration', 'data folder', 'database', 'migrations', 'keys', 'tls']) {
      expect({ name, present: checks.has(name) }).toEqual({ name, present: true });
    }
    expect(report.checks.filter((check) => check.check === 'migrations')).toHaveLength(2);
    const text = runCli(['doctor'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('No problems found');
  });

  it('accepts matching TLS files', () => {
    const folder = mkdtempSync(join(tmpdir(), 'masala-tls-'));
    const cert = join(folder, 'cert.pem');
    const key = join(folder, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', key, '-out', cert, '-days', '365', '-subj', '/CN=masala.test'], { stdio: 'ignore' });
    chmodSync(key, 0o600);
    const env = freshEnvironment({ MASALA_TLS_CERT: cert, MASALA_TLS_KEY: key });
    const { report } = doctor(env);
    const tls = report.checks.find((check) => check.check === 'tls');
    expect(tls?.status).toBe('ok');
    expect(tls?.detail).toContain('masala.test');
  });

  it('reports each problem of a broken folder', () => {
    const env = freshEnvironment();
    expect(runCli(['tenant', 'create', 'acme', '--name', 'Acme'], env).code).toBe(0);
    const dataDir = env.MASALA_DATA_DIR!;
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, 'master.key'), 0o644);
    const database = new Database(join(dataDir, 'masala.sqlite'));
    database.prepare('DELETE FROM migrations WHERE id = (SELECT MAX(id) FROM migrations)').run();
    database.close();
    const garbage = join(dataDir, 'not-a-certificate.pem');
    writeFileSync(garbage, 'this is not PEM\n', { mode: 0o600 });

    const { code, report } = doctor({ ...env, MASALA_TLS_CERT: garbage, MASALA_TLS_KEY: garbage });
    expect(code).toBe(1);
    expect(report.ok).toBe(false);
    const failed = failuresOf(report);
    const byCheck = (name: string) => failed.find((check) => check.check === name);
    expect(byCheck('data folder')).toMatchObject({ fix: `chmod 700 ${dataDir}` });
    expect(byCheck('data folder')?.detail).toContain('mode 0755');
    expect(byCheck('keys')).toMatchObject({ fix: `chmod 600 ${join(dataDir, 'master.key')}` });
    expect(byCheck('migrations')?.detail).toContain('1 pending');
    expect(byCheck('tls')?.detail).toContain('is not a PEM certificate');
    for (const check of failed) expect(check.fix).toBeTruthy();

    const text = runCli(['doctor'], { ...env, MASALA_TLS_CERT: garbage, MASALA_TLS_KEY: garbage });
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`fix: chmod 700 ${dataDir}`);
    expect(text.stdout).toMatch(/\d+ problems? found/);
  });

  it('reports invalid settings and skips the rest', () => {
    const { code, report } = doctor(freshEnvironment({ MASALA_TENANCY: 'galactic', PORT: 'eighty' }));
    expect(code).toBe(1);
    const settings = report.checks.filter((check) => check.check === 'settings');
    expect(settings.map((check) => check.status)).toEqual(['fail', 'fail']);
    expect(report.checks.filter((check) => check.status === 'skip').length).toBeGreaterThan(3);
  });

  it('reports an invalid domain file', () => {
    const config = mkdtempSync(join(tmpdir(), 'masala-config-'));
    writeFileSync(join(config, 'masala_domains.yaml'), 'domains: [unclosed\n');
    const { code, report } = doctor(freshEnvironment({ MASALA_CONFIG_PATH: config }));
    expect(code).toBe(1);
    expect(failuresOf(report).map((check) => check.check)).toContain('domain configuration');
  });
});
