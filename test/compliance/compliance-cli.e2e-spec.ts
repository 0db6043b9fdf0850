import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, runCli } from '../support/built-server.js';
import { freshEnvironment, seedWithCli } from '../operator/support/operator-fixture.js';

const EMAIL = 'ann.smith@acme.test';
const PASSWORD = 'correct-horse-battery-staple-42';

interface ExportDocument {
  schemaVersion: string;
  subject: { id: string };
  data: Record<string, Record<string, Array<Record<string, unknown>>>>;
}

function sqliteFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sqliteFiles(path);
    return /\.sqlite(-wal)?$/.test(entry.name) ? [path] : [];
  });
}

describe('compliance CLI', () => {
  let env: Record<string, string>;
  let dataDir: string;

  beforeAll(() => {
    ensureBuilt();
    env = freshEnvironment();
    dataDir = env.MASALA_DATA_DIR!;
    seedWithCli(env, 'acme', [
      { email: EMAIL, role: 'Customer', password: PASSWORD },
      { email: 'bob@acme.test', role: 'Customer', password: PASSWORD },
    ]);
  }, 180_000);

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('imports consent decisions with source import', () => {
    const file = join(dataDir, 'consents.jsonl');
    writeFileSync(
      file,
      [
        JSON.stringify({
          email: EMAIL,
          purpose: 'marketing_emails',
          granted: true,
          policyVersion: 'paper-1',
          decidedAt: '2025-03-01T09:00:00Z',
        }),
        '',
        JSON.stringify({
          email: EMAIL,
          purpose: 'marketing_emails',
          granted: false,
          policyVersion: 'paper-1',
        }),
      ].join('\n'),
    );
    const result = runCli(['consent', 'import', file, '--tenant', 'acme'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe('Imported 2 consent records');
  });

  it('rejects an import line with an unknown purpose', () => {
    const file = join(dataDir, 'bad-consents.jsonl');
    writeFileSync(
      file,
      JSON.stringify({ email: EMAIL, purpose: 'newsletter', granted: true, policyVersion: 'v1' }),
    );
    const result = runCli(['consent', 'import', file, '--tenant', 'acme'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('purpose "newsletter" is not configured');
  });

  it('exports a person to a file', () => {
    const out = join(dataDir, 'ann.json');
    const result = runCli(['export', EMAIL, '--tenant', 'acme', '--out', out, '--json'], env);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { file: string; sections: Record<string, number> };
    expect(summary.file).toBe(out);
    expect(summary.sections['compliance.consents']).toBe(2);

    const document = JSON.parse(readFileSync(out, 'utf8')) as ExportDocument;
    expect(document.schemaVersion).toBe('1.0');
    expect(document.data.identity?.profile?.[0]?.email).toBe(EMAIL);
    const consents = document.data.compliance?.consents ?? [];
    expect(consents.map((consent) => consent.source)).toEqual(['import', 'import']);
    expect(consents[0]?.recordedAt).toBe('2025-03-01T09:00:00.000Z');
  });

  it('exports a person to standard output', () => {
    const result = runCli(['export', EMAIL, '--tenant', 'acme'], env);
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout) as ExportDocument;
    expect(document.data.identity?.profile?.[0]?.email).toBe(EMAIL);
    expect(result.stdout).not.toContain('bob@acme.test');
  });

  it('exits 1 for an unknown e-mail address', () => {
    const result = runCli(['export', 'nobody@acme.test', '--tenant', 'acme'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'No user with the e-mail address nobody@acme.test exists in tenant acme',
    );
  });

  it('exits 2 for a ticket id that is not a UUID', () => {
    const result = runCli(['redact-ticket', 'not-an-id', '--tenant', 'acme'], env);
    expect(result.code).toBe(2);
  });

  it('reports a tenant without retention rules', () => {
    const result = runCli(['retention', 'run', '--tenant', 'acme', '--dry-run'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('The tenant has no retention rules');
  });

  it('erases a person and leaves their address in no database file', () => {
    const result = runCli(['erase', EMAIL, '--tenant', 'acme', '--json'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const receipt = JSON.parse(result.stdout) as {
      complete: boolean;
      subjectKey: string;
      counts: Record<string, unknown>;
    };
    expect(receipt.complete).toBe(true);
    expect(receipt.subjectKey).toBe('destroyed');
    expect(receipt.counts).toHaveProperty('identity');

    for (const file of sqliteFiles(dataDir)) {
      expect({ file, found: readFileSync(file).includes(Buffer.from(EMAIL)) }).toEqual({
        file,
        found: false,
      });
    }
    const again = runCli(['erase', EMAIL, '--tenant', 'acme'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('No user with the e-mail address');
  });
});
