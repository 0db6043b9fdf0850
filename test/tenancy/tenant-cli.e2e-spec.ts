import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, runCli } from '../support/built-server.js';
import { PROJECT_ROOT } from '../support/test-app.js';

describe('tenant CLI', () => {
  let dataDir: string;
  let env: Record<string, string>;
  const masala = (...args: string[]) => runCli(args, env);

  beforeAll(() => {
    ensureBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'masala-tenant-cli-'));
    env = { MASALA_DATA_DIR: dataDir, MASALA_CONFIG_PATH: PROJECT_ROOT, MASALA_SQLITE_SYNCHRONOUS: 'NORMAL' };
    expect(masala('tenant', 'create', 'acme', '--name', 'Acme Hospital').code).toBe(0);
  }, 180_000);

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('suspends and resumes a tenant', () => {
    const suspended = masala('tenant', 'suspend', 'acme', '--reason', 'unpaid invoice', '--json');
    expect(suspended.code).toBe(0);
    expect(JSON.parse(suspended.stdout)).toEqual(expect.objectContaining({ slug: 'acme', status: 'suspended', changed: true }));

    const again = masala('tenant', 'suspend', 'acme');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('(unchanged)');

    const listed = JSON.parse(masala('tenant', 'list', '--json').stdout) as Array<{ slug: string; status: string }>;
    expect(listed).toEqual([expect.objectContaining({ slug: 'acme', status: 'suspended' })]);

    const resumed = masala('tenant', 'resume', 'acme');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout.trim()).toBe('Tenant acme is active');
  });

  it('changes and shows settings', () => {
    const assignments = ['rateLimitPerMinute=1200', 'corsOrigins=https://desk.acme.example', 'mandatoryTwoFactor=true'];
    const changed = masala('tenant', 'settings', 'acme', ...assignments.flatMap((item) => ['--set', item]), '--json');
    expect(changed.code).toBe(0);
    expect(JSON.parse(changed.stdout).settings).toEqual({
      rateLimitPerMinute: 1200,
      corsOrigins: ['https://desk.acme.example'],
      mandatoryTwoFactor: true,
    });

    const unset = masala('tenant', 'settings', 'acme', '--unset', 'corsOrigins', '--json');
    expect(JSON.parse(unset.stdout).settings).toEqual({ rateLimitPerMinute: 1200, mandatoryTwoFactor: true });

    const shown = masala('tenant', 'settings', 'acme');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/rateLimitPerMinute\s+1200/);
    expect(shown.stdout).toMatch(/retentionDays\s+\(instance default\)/);
  });

  it('rejects invalid settings with exit code 2', () => {
    const invalid = masala('tenant', 'settings', 'acme', '--set', 'rateLimitPerMinute=zero', '--set', 'colour=blue');
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('rateLimitPerMinute="zero" is invalid');
    expect(invalid.stderr).toContain('"colour" is not a tenant setting');

    const shown = JSON.parse(masala('tenant', 'settings', 'acme', '--json').stdout);
    expect(shown.settings.rateLimitPerMinute).toBe(1200);
  });

  it('rejects an unknown tenant and storage', () => {
    // A missing record is a failed operation (1); invalid input such as a bad storage value is 2.
    const unknown = masala('tenant', 'suspend', 'nobody');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('Tenant "nobody" not found');

    const storage = masala('tenant', 'create', 'other', '--name', 'Other', '--storage', 'bogus');
    expect(storage.code).toBe(2);
    expect(storage.stderr).toContain('storage "bogus" is invalid');
  });
});
