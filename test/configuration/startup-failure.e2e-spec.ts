import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../apps/api/src/app.factory.js';
import { loadSettings } from '#kernel';
import { DomainConfigurationError } from '#tickets';
import { ensureBuilt, freePort, runCli } from '../support/built-server.js';
import { PROJECT_ROOT } from '../support/test-app.js';
import { ConfigFolder } from './support/config-folder.js';
import { SERVICE_DESK_YAML } from './support/configs.js';

const SERVER_ENTRY = join(PROJECT_ROOT, 'dist/apps/api/src/main.js');

/** Breaks five rules at once: default domain, select options, field type, state, transition. */
const BROKEN_YAML = `global:
  default_domain: Support

domains:
  IT:
    display_name: IT Support
    work_item_types:
      - code: INCIDENT
        name: Incident
    custom_fields:
      - name: urgency
        label: Urgency
        type: select
      - name: cost
        label: Cost
        type: money
    workflow:
      states:
        - code: NEW
          name: New
        - code: NEW
          name: New again
      transitions:
        NEW: [DONE]
`;

function brokenMessages(file: string): string[] {
  return [
    `${file}:2: global.default_domain: default domain 'Support' is not defined under domains (defined: IT)`,
    `${file}:11: domains.IT.custom_fields[0].options: missing options (a select field needs a list of options)`,
    `${file}:16: domains.IT.custom_fields[1].type: unknown field type 'money' ` +
      '(expected one of text, number, select, multi_select, date, boolean, currency)',
    `${file}:21: domains.IT.workflow.states[1].code: duplicate state code 'NEW' (first defined on line 19)`,
    `${file}:24: domains.IT.workflow.transitions.NEW[0]: transition to unknown state "DONE" (defined states: NEW)`,
  ];
}

/** Runs the built API until it exits and returns its exit code and output. */
async function runServer(
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [SERVER_ENTRY], {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      MASALA_LOG_FORMAT: 'json',
      PORT: String(await freePort()),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

describe('start-up with an invalid configuration', () => {
  let dataDir: string;
  let broken: ConfigFolder;
  let brokenTenant: ConfigFolder;

  beforeAll(() => {
    ensureBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'masala-startup-'));
    broken = ConfigFolder.withRoot(BROKEN_YAML);
    brokenTenant = ConfigFolder.withRoot(SERVICE_DESK_YAML);
    brokenTenant.writeTenant('acme', 'domains:\n  Desk: {}\n');
  }, 180_000);

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
    broken.remove();
    brokenTenant.remove();
  });

  it('exits with code 1 naming file, line and key', async () => {
    const result = await runServer({ MASALA_CONFIG_PATH: broken.path, MASALA_DATA_DIR: dataDir });
    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toEqual(brokenMessages(broken.rootFile));
    expect(result.stdout).toBe('');
  });

  it('prints no stack trace', async () => {
    const result = await runServer({ MASALA_CONFIG_PATH: broken.path, MASALA_DATA_DIR: dataDir });
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stderr).not.toContain('DomainConfigurationError');
  });

  it('fails on an invalid tenant file', async () => {
    const result = await runServer({
      MASALA_CONFIG_PATH: brokenTenant.path,
      MASALA_DATA_DIR: dataDir,
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      `${brokenTenant.tenantFile('acme')}:2: domains.Desk.workflow: missing workflow (a domain needs workflow.states)`,
    ]);
  });

  it('fails the CLI with exit code 2', () => {
    const result = runCli(['tenant', 'list'], {
      MASALA_CONFIG_PATH: broken.path,
      MASALA_DATA_DIR: dataDir,
    });
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toEqual(
      brokenMessages(broken.rootFile).map((line, index) => (index === 0 ? `error: ${line}` : line)),
    );
  });

  it('rejects createApp with the parser error', async () => {
    const settings = loadSettings({
      MASALA_CONFIG_PATH: broken.path,
      MASALA_DATA_DIR: dataDir,
      NODE_ENV: 'test',
    });
    const attempt = createApp(settings, { logger: false });
    await expect(attempt).rejects.toBeInstanceOf(DomainConfigurationError);
    await expect(attempt).rejects.toThrow(brokenMessages(broken.rootFile).join('\n'));
  });
});
