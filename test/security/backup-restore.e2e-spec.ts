import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, openSync, closeSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_ENTRY, ensureBuilt, startBuiltServer, type RunningServer } from '../support/built-server.js';
import { PROJECT_ROOT, TEST_PASSWORD } from '../support/test-app.js';
import { freshEnvironment, logIn } from '../operator/support/operator-fixture.js';

interface Manifest {
  tenant: { id: string; slug: string; storage: string };
  jurisdiction: string;
  schemaVersion: string;
  migrations: number;
  auditChain: { valid: boolean; entries: number; head: { sequence: number; hash: string } | null };
  rows: Record<string, number>;
  attachments: { files: number; bytes: number; missing: string[] };
  dataKeyIds: string[];
  database: { bytes: number; sha256: string };
}

interface RestoreResult {
  tenant: string;
  registered: boolean;
  rows: number;
  attachments: number;
  jurisdictionChanged: boolean;
  migrated: number;
  erasuresToRepeat: string[];
}

/**
 * Runs the built CLI without blocking the event loop, so HTTP requests continue meanwhile and
 * the HTTP client notices keep-alive connections that the server closed in between.
 */
function runCliAsync(
  args: string[],
  env: Record<string, string>,
  input?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_ENTRY, ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, NODE_ENV: 'test', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.end(input ?? '');
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function cli(args: string[], env: Record<string, string>, input?: string): Promise<string> {
  const result = await runCliAsync(args, env, input);
  if (result.code !== 0) throw new Error(`masala ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

/** Copies a backup and its manifest under a new name, for a test that damages the copy. */
function copyBackup(source: string, target: string): string {
  copyFileSync(source, target);
  copyFileSync(`${source}.manifest.json`, `${target}.manifest.json`);
  return target;
}

function readManifest(file: string): Manifest {
  return JSON.parse(readFileSync(`${file}.manifest.json`, 'utf8')) as Manifest;
}

/** Rewrites the manifest as if the changed file had been written by the backup command. */
function reseal(file: string, change: (manifest: Manifest) => void = () => undefined): void {
  const manifest = readManifest(file);
  change(manifest);
  manifest.database.sha256 = createHash('sha256').update(readFileSync(file)).digest('hex');
  manifest.database.bytes = statSync(file).size;
  writeFileSync(`${file}.manifest.json`, JSON.stringify(manifest, null, 2));
}

/** Changes a backup file with SQL; `journal_mode = DELETE` keeps it one file. */
function editBackup(file: string, sql: string): void {
  const database = new Database(file);
  try {
    database.pragma('journal_mode = DELETE');
    database.exec(sql);
  } finally {
    database.close();
  }
}

class Client {
  constructor(
    private readonly baseUrl: string,
    private readonly tenant: string,
    private readonly token: string,
  ) {}

  static async logIn(server: RunningServer, tenant: string, email: string): Promise<Client> {
    const { accessToken } = await logIn(server.baseUrl, tenant, email, TEST_PASSWORD);
    return new Client(server.baseUrl, tenant, accessToken);
  }

  async request(method: string, path: string, body?: unknown): Promise<{ status: number; json: any; bytes: Buffer }> {
    const headers: Record<string, string> = { 'X-Tenant-ID': this.tenant, Authorization: `Bearer ${this.token}` };
    let payload: string | FormData | undefined;
    if (body instanceof FormData) {
      payload = body;
    } else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const response = await fetch(`${this.baseUrl}/api/v1${path}`, { method, headers, body: payload });
    const bytes = Buffer.from(await response.arrayBuffer());
    const type = response.headers.get('content-type') ?? '';
    return { status: response.status, json: type.includes('json') ? JSON.parse(bytes.toString('utf8')) : undefined, bytes };
  }

  async createTicket(title: string): Promise<string> {
    const response = await this.request('POST', '/tickets', { title, description: `About ${title}`, customFields: { urgency: 'Low' } });
    if (response.status !== 201) throw new Error(`POST /tickets returned ${response.status}: ${response.bytes.toString()}`);
    return response.json.id as string;
  }

  async attach(ticketId: string, content: Buffer): Promise<string> {
    const form = new FormData();
    form.append('file', new Blob([content], { type: 'text/plain' }), 'scan.txt');
    const response = await this.request('POST', `/tickets/${ticketId}/attachments`, form);
    if (response.status !== 201) throw new Error(`POST attachments returned ${response.status}: ${response.bytes.toString()}`);
    return response.json.id as string;
  }

  async ticketIds(): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const page = await this.request('GET', `/tickets?limit=100${query}`);
      if (page.status !== 200) throw new Error(`GET /tickets returned ${page.status}`);
      ids.push(...(page.json.data as Array<{ id: string }>).map((ticket) => ticket.id));
      cursor = page.json.nextCursor as string | null;
    } while (cursor);
    return ids;
  }

  async auditValid(): Promise<boolean> {
    const response = await this.request('GET', '/audit/verify');
    return response.status === 200 && response.json.valid === true;
  }
}

const ADMIN = (slug: string) => `admin@${slug}.test`;

/** Reads the tenant registry of a data folder directly, without starting the CLI. */
function registeredTenants(env: Record<string, string>): string[] {
  const database = new Database(join(env.MASALA_DATA_DIR!, 'masala.sqlite'), { readonly: true });
  try {
    return database.prepare('SELECT slug FROM tenants ORDER BY slug').pluck().all() as string[];
  } finally {
    database.close();
  }
}

describe('tenant backup and restore', () => {
  const work = mkdtempSync(join(tmpdir(), 'masala-backup-test-'));
  // The master key lives apart from the data folder, as in production; a restored instance needs it.
  const masterKeyFile = join(mkdtempSync(join(tmpdir(), 'masala-secrets-')), 'master.key');
  const common = {
    MASALA_MASTER_KEY_FILE: masterKeyFile,
    MASALA_RATE_LIMIT_PER_MINUTE: '1000000',
    MASALA_CLIENT_RATE_LIMIT_PER_MINUTE: '1000000',
  };
  let env: Record<string, string>;
  let server: RunningServer;
  let acme: Client;
  let acmeBackup: string;
  let acmeManifest: Manifest;
  let keysBackup: string;
  let acknowledgedBefore: string[];
  /** A backup that passes every check but fails on insert; set by the midway failure test. */
  let conflictingBackup: string;
  let firstTicket: string;
  let firstAttachment: string;
  const attachmentContent = Buffer.from(`Scan of the badge ${randomBytes(8).toString('hex')}`);
  const ids: Record<string, string> = {};
  const globexTickets: string[] = [];

  beforeAll(async () => {
    ensureBuilt();
    writeFileSync(masterKeyFile, randomBytes(32), { mode: 0o600 });
    env = freshEnvironment(common);
    for (const [slug, storage] of [
      ['acme', 'shared'],
      ['globex', 'shared'],
      ['vault', 'dedicated'],
    ] as const) {
      const created = await cli(['tenant', 'create', slug, '--name', `Tenant ${slug}`, '--jurisdiction', 'BE', '--storage', storage], env);
      ids[slug] = created.trim();
      await cli(['user', 'create', ADMIN(slug), '--tenant', slug, '--role', 'Admin', '--password-stdin'], env, TEST_PASSWORD);
    }
    const customer = await cli(['user', 'create', 'carla@acme.test', '--tenant', 'acme', '--role', 'Customer', '--password-stdin'], env, TEST_PASSWORD);
    ids.customer = customer.trim();
    server = await startBuiltServer(env);
    acme = await Client.logIn(server, 'acme', ADMIN('acme'));
    const globex = await Client.logIn(server, 'globex', ADMIN('globex'));
    for (let index = 0; index < 3; index += 1) globexTickets.push(await globex.createTicket(`Globex merger plan ${index}`));
    firstTicket = await acme.createTicket('Badge does not open the door');
    firstAttachment = await acme.attach(firstTicket, attachmentContent);
  }, 120_000);

  afterAll(async () => {
    server?.process.kill('SIGTERM');
    await server?.exited;
  });

  it('backs up under concurrent writes', async () => {
    const acknowledged: string[] = [];
    let stop = false;
    const writer = async (number: number) => {
      for (let index = 0; !stop && acknowledged.length < 3000; index += 1) {
        acknowledged.push(await acme.createTicket(`Load ${number}-${index}`));
      }
    };
    let failure: unknown;
    const writers = [1, 2, 3, 4].map((number) =>
      writer(number).catch((error: unknown) => {
        failure = error;
      }),
    );
    while (acknowledged.length < 40 && failure === undefined) await new Promise((resolve) => setImmediate(resolve));
    if (failure !== undefined) throw failure;

    acknowledgedBefore = [firstTicket, ...acknowledged];
    acmeBackup = join(work, 'acme.sqlite');
    const backup = await runCliAsync(['backup', 'acme', '--out', acmeBackup, '--json'], env);
    const writtenDuringBackup = acknowledged.length - (acknowledgedBefore.length - 1);
    stop = true;
    await Promise.all(writers);
    expect(failure).toBeUndefined();

    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(writtenDuringBackup).toBeGreaterThan(0);
    acmeManifest = JSON.parse(backup.stdout) as Manifest;
    expect(acmeManifest).toMatchObject(readManifest(acmeBackup));
    expect(acmeManifest.tenant.id).toBe(ids.acme);
    expect(acmeManifest.jurisdiction).toBe('BE');
    expect(acmeManifest.schemaVersion).toMatch(/^[A-Za-z]+\d{13}$/);
    expect(acmeManifest.rows.tickets).toBeGreaterThanOrEqual(acknowledgedBefore.length);
    expect(acmeManifest.rows.users).toBe(2);
    expect(acmeManifest.attachments).toEqual({ files: 1, bytes: expect.any(Number), missing: [] });
    expect(acmeManifest.auditChain.valid).toBe(true);
    expect(acmeManifest.dataKeyIds).toEqual([`dek.${ids.acme}.v1`]);
    expect(acmeManifest.database.sha256).toBe(createHash('sha256').update(readFileSync(acmeBackup)).digest('hex'));
    expect(statSync(acmeBackup).mode & 0o777).toBe(0o600);
    expect(await acme.auditValid()).toBe(true);
  }, 60_000);

  it('keeps other tenants out of a shared backup', () => {
    const bytes = readFileSync(acmeBackup);
    const foreign = [
      ids.globex!,
      ids.vault!,
      ...globexTickets,
      ...globexTickets.map((id) => id.replace(/-/g, '')),
      'Globex merger plan',
      ADMIN('globex'),
    ];
    expect(foreign.filter((text) => bytes.includes(Buffer.from(text, 'utf8')))).toEqual([]);

    const database = new Database(acmeBackup, { readonly: true });
    try {
      const tables = database.prepare("SELECT name FROM pragma_table_list WHERE type IN ('table', 'virtual')").pluck().all() as string[];
      for (const table of tables) {
        const columns = (database.prepare(`PRAGMA table_info("${table}")`).all() as Array<{ name: string }>).map((column) => column.name);
        if (!columns.includes('tenant_id')) continue;
        const others = database.prepare(`SELECT COUNT(*) FROM "${table}" WHERE tenant_id <> ?`).pluck().get(ids.acme);
        expect({ table, others }).toEqual({ table, others: 0 });
      }
      expect(database.prepare('SELECT id FROM tenants').pluck().all()).toEqual([ids.acme]);
    } finally {
      database.close();
    }
  });

  it('restores into a fresh data folder with the key store backup', async () => {
    keysBackup = join(work, 'keys.json');
    await cli(['keys', 'backup', '--out', keysBackup], env);
    const fresh = freshEnvironment(common);

    const withoutKeys = await runCliAsync(['restore', 'acme', acmeBackup], fresh);
    expect(withoutKeys.code).toBe(1);
    expect(withoutKeys.stderr).toContain('keys restore');

    await cli(['keys', 'restore', keysBackup], fresh);
    const restore = await runCliAsync(['restore', 'acme', acmeBackup, '--json'], fresh);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    const result = JSON.parse(restore.stdout) as RestoreResult;
    expect(result.registered).toBe(true);
    expect(result.attachments).toBe(1);
    expect(result.jurisdictionChanged).toBe(false);

    const restored = await startBuiltServer(fresh);
    try {
      const client = await Client.logIn(restored, 'acme', ADMIN('acme'));
      const present = new Set(await client.ticketIds());
      expect(acknowledgedBefore.filter((id) => !present.has(id))).toEqual([]);
      expect(present.size).toBe(acmeManifest.rows.tickets);
      const ticket = await client.request('GET', `/tickets/${firstTicket}`);
      expect(ticket.json.description).toBe('About Badge does not open the door');
      const file = await client.request('GET', `/tickets/${firstTicket}/attachments/${firstAttachment}`);
      expect(file.status).toBe(200);
      expect(file.bytes.equals(attachmentContent)).toBe(true);
      expect(await client.auditValid()).toBe(true);
      const audit = await client.request('GET', '/audit?action=tenant.restored');
      expect(audit.json.data).toHaveLength(1);
    } finally {
      restored.process.kill('SIGTERM');
      await restored.exited;
    }
  }, 60_000);

  it('backs up and restores a dedicated tenant in place', async () => {
    const vault = await Client.logIn(server, 'vault', ADMIN('vault'));
    const restoredTicket = await vault.createTicket('Vault inventory');
    const attachment = await vault.attach(restoredTicket, attachmentContent);
    const file = join(work, 'vault.sqlite');
    const manifest = JSON.parse(await cli(['backup', 'vault', '--out', file, '--json'], env)) as Manifest;
    expect(manifest.tenant.storage).toBe('dedicated');
    expect(manifest.rows.tickets).toBe(1);
    expect(readFileSync(file).includes(Buffer.from(ids.acme!))).toBe(false);

    const later = await vault.createTicket('Created after the backup');
    const restore = await runCliAsync(['restore', 'vault', file, '--json'], env);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect((JSON.parse(restore.stdout) as RestoreResult).registered).toBe(false);

    expect(await vault.ticketIds()).toEqual([restoredTicket]);
    expect((await vault.request('GET', `/tickets/${later}`)).status).toBe(404);
    const download = await vault.request('GET', `/tickets/${restoredTicket}/attachments/${attachment}`);
    expect(download.bytes.equals(attachmentContent)).toBe(true);
    expect(await vault.auditValid()).toBe(true);
  }, 60_000);

  describe('checks before anything is replaced', () => {
    let ticketsBefore: string[];
    let restoresBefore: number;

    beforeAll(async () => {
      await acme.createTicket('Created after the backup');
      ticketsBefore = (await acme.ticketIds()).sort();
      restoresBefore = (await acme.request('GET', '/audit?action=tenant.restored')).json.data.length;
    });

    const expectUntouched = async () => {
      expect((await acme.ticketIds()).sort()).toEqual(ticketsBefore);
      expect(await acme.auditValid()).toBe(true);
      expect((await acme.request('GET', '/audit?action=tenant.restored')).json.data).toHaveLength(restoresBefore);
      const file = await acme.request('GET', `/tickets/${firstTicket}/attachments/${firstAttachment}`);
      expect(file.bytes.equals(attachmentContent)).toBe(true);
    };

    it('rejects a file that differs from its manifest', async () => {
      const file = copyBackup(acmeBackup, join(work, 'flipped.sqlite'));
      const fd = openSync(file, 'r+');
      writeSync(fd, Buffer.from([0xde, 0xad, 0xbe, 0xef]), 0, 4, Math.floor(statSync(file).size / 2));
      closeSync(fd);

      const result = await runCliAsync(['restore', 'acme', file], env);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('does not match its manifest: SHA-256');
      await expectUntouched();
    });

    it('rejects a damaged database', async () => {
      const file = copyBackup(acmeBackup, join(work, 'damaged.sqlite'));
      const pageSize = 4096;
      const fd = openSync(file, 'r+');
      // Overwrites the header of a b-tree page in the middle of the file.
      const page = Math.floor(statSync(file).size / pageSize / 2);
      writeSync(fd, Buffer.alloc(8, 0xff), 0, 8, page * pageSize);
      closeSync(fd);
      reseal(file);

      const result = await runCliAsync(['restore', 'acme', file], env);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('integrity_check');
      await expectUntouched();
    });

    it('rejects a backup with a changed audit entry', async () => {
      const file = copyBackup(acmeBackup, join(work, 'tampered.sqlite'));
      editBackup(
        file,
        `DROP TRIGGER audit_log_entries_no_update;
         UPDATE audit_log_entries SET actor_id = 'someone-else' WHERE sequence = 2;`,
      );
      reseal(file);

      const result = await runCliAsync(['restore', 'acme', file], env);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('The audit chain in the backup is broken');
      await expectUntouched();
    });

    it('rejects a backup from a newer release', async () => {
      const file = copyBackup(acmeBackup, join(work, 'newer.sqlite'));
      editBackup(file, "INSERT INTO migrations (timestamp, name) VALUES (9999999999999, 'AddHoverboards9999999999999')");
      reseal(file, (manifest) => {
        manifest.schemaVersion = 'AddHoverboards9999999999999';
        manifest.migrations += 1;
      });

      const result = await runCliAsync(['restore', 'acme', file], env);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('schema version AddHoverboards9999999999999, made by a newer release');
      await expectUntouched();
    });

    it('leaves the previous data after a failure midway', async () => {
      const file = copyBackup(acmeBackup, join(work, 'conflicting.sqlite'));
      // Valid by every check, but two rows break a unique index of the live schema, so the
      // insert fails after the tenant's rows were deleted and others inserted.
      editBackup(
        file,
        `DROP INDEX tickets_tenant_external_ref;
         UPDATE tickets SET external_ref = 'duplicate' WHERE id IN (SELECT id FROM tickets ORDER BY id DESC LIMIT 2);`,
      );
      reseal(file);

      const result = await runCliAsync(['restore', 'acme', file], env);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('UNIQUE constraint failed: tickets.tenant_id, tickets.external_ref');
      await expectUntouched();
      conflictingBackup = file;
    }, 30_000);
  });

  it('rejects another jurisdiction unless allowed, and audits the override', async () => {
    const netherlands = freshEnvironment({ ...common, MASALA_JURISDICTION: 'NL' });
    await cli(['keys', 'restore', keysBackup], netherlands);

    const rejected = await runCliAsync(['restore', 'acme', acmeBackup], netherlands);
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toContain('the backup belongs to jurisdiction BE, but this instance is configured for NL');
    expect(rejected.stderr).toContain('--allow-jurisdiction-change');
    expect(registeredTenants(netherlands)).toEqual([]);

    // A restore that fails midway into a folder without the tenant leaves it unregistered.
    const failed = await runCliAsync(['restore', 'acme', conflictingBackup, '--allow-jurisdiction-change'], netherlands);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('UNIQUE constraint failed');
    expect(registeredTenants(netherlands)).toEqual([]);

    const allowed = await cli(['restore', 'acme', acmeBackup, '--allow-jurisdiction-change', '--json'], netherlands);
    expect((JSON.parse(allowed) as RestoreResult).jurisdictionChanged).toBe(true);
    expect(registeredTenants(netherlands)).toEqual(['acme']);
    const exported = await cli(['audit', 'export', 'acme'], netherlands);
    const entries = exported
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { action?: string; newValues?: Record<string, unknown> });
    const restored = entries.filter((entry) => entry.action === 'tenant.restored');
    expect(restored).toHaveLength(1);
    expect(restored[0]!.newValues).toMatchObject({
      jurisdiction: 'BE',
      instanceJurisdiction: 'NL',
      jurisdictionChangeAllowed: true,
      jurisdictionConflict: expect.stringContaining('configured for NL'),
    });
  }, 60_000);

  it('restores an older backup in place and reports erasures', async () => {
    // A backup made before the newest migration existed: its table and migration row are gone.
    const file = copyBackup(acmeBackup, join(work, 'older.sqlite'));
    editBackup(file, "DROP TABLE user_consents; DELETE FROM migrations WHERE name LIKE 'CreateUserConsents%'");
    const database = new Database(file, { readonly: true });
    const previous = database.prepare('SELECT name FROM migrations ORDER BY timestamp DESC LIMIT 1').pluck().get() as string;
    database.close();
    reseal(file, (manifest) => {
      manifest.schemaVersion = previous;
      manifest.migrations -= 1;
      delete manifest.rows.user_consents;
    });
    await cli(['erase', 'carla@acme.test', '--tenant', 'acme'], env);

    const restore = await runCliAsync(['restore', 'acme', file, '--json'], env);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    const result = JSON.parse(restore.stdout) as RestoreResult;
    expect(result.migrated).toBe(1);
    expect(result.erasuresToRepeat).toEqual([ids.customer]);

    const present = new Set(await acme.ticketIds());
    expect(acknowledgedBefore.filter((id) => !present.has(id))).toEqual([]);
    expect(present.size).toBe(acmeManifest.rows.tickets);
    expect(await acme.auditValid()).toBe(true);
  }, 30_000);

  it('refuses PostgreSQL and points to the documentation', async () => {
    const postgres = { ...env, DATABASE_URL: 'postgres://masala@127.0.0.1:1/masala' };
    for (const args of [
      ['backup', 'acme'],
      ['restore', 'acme', acmeBackup],
    ]) {
      const result = await runCliAsync(args, postgres);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('pg_dump');
      expect(result.stderr).toContain('docs/backup.md');
    }
  });
});
