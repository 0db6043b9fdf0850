import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MasalaException, RequestContext } from '#kernel';
import { importSeedFile, type ImportOptions, type ImportResult } from '../../apps/cli/src/commands/import.commands.js';
import { ensureBuilt, runCli } from '../support/built-server.js';
import { PROJECT_ROOT, startTestApp, type TestApp } from '../support/test-app.js';
import { freshEnvironment } from '../operator/support/operator-fixture.js';
import { clientFor } from './tickets-support.js';

const FIXTURES = join(PROJECT_ROOT, 'test/tickets/fixtures');
/** The seed file of the original platform, as it ships. */
const ORIGINAL = join(FIXTURES, 'seed_data.original.json');
/** The same format with work containers, work items, comments and an article. */
const WORK = join(FIXTURES, 'seed_data.work.json');

type TicketRow = {
  id: string;
  title: string;
  status: string;
  priority: string;
  tags: string[];
  projectId: string | null;
  assigneeId: string | null;
  requesterId: string;
  dueAt: string | null;
};

describe('import of seed_data.json', () => {
  let t: TestApp;

  const runImport = (file: string, options: Partial<ImportOptions> = {}): Promise<ImportResult> =>
    RequestContext.run({ correlationId: 'import-test', system: true }, () =>
      importSeedFile(t.app, file, { tenant: 'acme', setField: [], ...options }),
    );

  beforeAll(async () => {
    t = await startTestApp();
    await t.createTenant('acme');
    await t.createTenant('globex');
  });

  afterAll(async () => {
    await t.close();
  });

  describe('the original fixture', () => {
    let first: ImportResult;

    beforeAll(async () => {
      first = await runImport(ORIGINAL, { showPasswords: true });
    });

    it('creates the three users', () => {
      expect(first.users).toEqual({ created: 3, skipped: 0, failed: 0 });
      expect(first.failures).toEqual([]);
      expect(first.passwords!.map((entry) => entry.email).sort()).toEqual([
        'admin@ticketmasala.com',
        'agent@ticketmasala.com',
        'customer@example.com',
      ]);
    });

    it('gives each user its role', async () => {
      for (const [email, role] of [
        ['admin@ticketmasala.com', 'Admin'],
        ['agent@ticketmasala.com', 'Employee'],
        ['customer@example.com', 'Customer'],
      ] as const) {
        const password = first.passwords!.find((entry) => entry.email === email)!.password;
        const me = await clientFor(t, 'acme', await t.login('acme', email, password))('get', '/api/v1/me').expect(200);
        expect(me.body.roles).toEqual([role]);
      }
    });

    it('reports fields it leaves out', () => {
      expect(first.ignoredFields).toMatchObject({ 'Admins.Phone': 1, 'Employees.Team': 1, 'Customers.Code': 1 });
    });

    it('skips everything on a second run', async () => {
      const second = await runImport(ORIGINAL, { showPasswords: true });
      expect(second.users).toEqual({ created: 0, skipped: 3, failed: 0 });
      expect(second.passwords).toEqual([]);
    });

    it('keeps tenants apart', async () => {
      const other = await runImport(ORIGINAL, { tenant: 'globex' });
      expect(other.users.created).toBe(3);
      expect(other.passwords).toBeUndefined();
    });
  });

  describe('work containers and items', () => {
    let result: ImportResult;
    let lead: ReturnType<typeof clientFor>;
    let tickets: TicketRow[];

    beforeAll(async () => {
      result = await runImport(WORK, { showPasswords: true });
      const password = result.passwords!.find((entry) => entry.email === 'lead@helpdesk.test')!.password;
      lead = clientFor(t, 'acme', await t.login('acme', 'lead@helpdesk.test', password));
      tickets = (await lead('get', '/api/v1/tickets?limit=100').expect(200)).body.data as TicketRow[];
    });

    const ticketTitled = (prefix: string) => tickets.find((ticket) => ticket.title.startsWith(prefix))!;

    it('imports projects, tickets and comments', () => {
      expect(result.projects).toEqual({ created: 2, skipped: 0, failed: 0 });
      expect(result.tickets).toEqual({ created: 4, skipped: 0, failed: 0 });
      expect(result.comments).toEqual({ created: 3, skipped: 0, failed: 1 });
      expect(result.failures).toEqual([
        { item: 'UnassignedWorkItems[1].Comments[0]', reason: 'AuthorEmail names nobody in the file' },
      ]);
      expect(result.knowledgeBaseArticles).toEqual({ skipped: 1 });
    });

    it('maps a container to a project', async () => {
      const projects = (await lead('get', '/api/v1/projects').expect(200)).body.data as Array<{
        name: string;
        status: string;
        ticketCounts: { open: number; done: number };
      }>;
      const move = projects.find((project) => project.name === 'Office move')!;
      expect(move.status).toBe('ACTIVE');
      expect(move.ticketCounts).toEqual({ open: 1, done: 1, total: 2 });
      expect(projects.find((project) => project.name === 'Printer fleet')!.status).toBe('PLANNED');
    });

    it('maps status, priority, tags and assignee', () => {
      const closet = ticketTitled('Patch the new network closet');
      expect(closet).toMatchObject({ status: 'IN_PROGRESS', priority: 'high', tags: ['network', 'move'] });
      expect(closet.assigneeId).not.toBeNull();
      expect(ticketTitled('Label the desks')).toMatchObject({ status: 'RESOLVED', priority: 'low' });
      const vpn = ticketTitled('URGENT: VPN down');
      expect(vpn).toMatchObject({ status: 'NEW', priority: 'urgent', projectId: null, assigneeId: null });
      expect(vpn.title).toBe('URGENT: VPN down for the whole finance team');
      expect(vpn.tags).toEqual(['vpn', 'p0', 'sentiment:critical']);
      expect((Date.parse(vpn.dueAt!) - Date.now()) / 86_400_000).toBeCloseTo(1, 1);
    });

    it('keeps comment authors and dates', async () => {
      const closet = ticketTitled('Patch the new network closet');
      const comments = (await lead('get', `/api/v1/tickets/${closet.id}/comments`).expect(200)).body.data as Array<{
        body: string;
        createdAt: string;
      }>;
      expect(comments.map((comment) => comment.body)).toEqual([
        'Cabling ordered.',
        'Please keep the old closet running until Friday.',
      ]);
      expect((Date.now() - Date.parse(comments[0]!.createdAt)) / 86_400_000).toBeCloseTo(3, 1);
    });

    it('lets the customer see the own tickets', async () => {
      const password = result.passwords!.find((entry) => entry.email === 'dirk@client.test')!.password;
      const dirk = clientFor(t, 'acme', await t.login('acme', 'dirk@client.test', password));
      const own = (await dirk('get', '/api/v1/tickets').expect(200)).body.data as TicketRow[];
      expect(own.map((ticket) => ticket.title)).toEqual(['URGENT: VPN down for the whole finance team']);
    });

    it('is idempotent', async () => {
      const again = await runImport(WORK);
      expect(again.users).toEqual({ created: 0, skipped: 5, failed: 0 });
      expect(again.projects).toEqual({ created: 0, skipped: 2, failed: 0 });
      expect(again.tickets).toEqual({ created: 0, skipped: 4, failed: 0 });
      const after = (await lead('get', '/api/v1/tickets?limit=100').expect(200)).body.data as TicketRow[];
      expect(after).toHaveLength(tickets.length);
    });

    it('audits the import', async () => {
      const me = (await lead('get', '/api/v1/me').expect(200)).body as { tenant: { id: string } | string };
      const tenantId = typeof me.tenant === 'string' ? me.tenant : me.tenant.id;
      const entries = await lead('get', `/api/v1/audit?action=seed.imported&limit=10`).expect(200);
      expect(entries.body.data.length).toBeGreaterThanOrEqual(1);
      expect(entries.body.data[0].entityId).toBe(tenantId);
    });
  });

  describe('invalid input', () => {
    it('lists every invalid entry by path', async () => {
      const folder = mkdtempSync(join(tmpdir(), 'masala-seed-'));
      const file = join(folder, 'seed.json');
      writeFileSync(file, JSON.stringify({ Admins: [{ FirstName: 'No mail' }], Customers: 'x', Bogus: [] }));
      const error = await runImport(file).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(MasalaException);
      const fields = ((error as MasalaException).details.errors ?? []).map((item) => item.field).sort();
      expect(fields).toEqual(['Admins[0].Email', 'Bogus', 'Customers']);
      rmSync(folder, { recursive: true, force: true });
    });

    it('rejects a missing file', async () => {
      await expect(runImport(join(FIXTURES, 'does-not-exist.json'))).rejects.toThrow(/Cannot read/);
    });

    it('rejects a malformed --set-field', async () => {
      await expect(runImport(ORIGINAL, { setField: ['urgency'] })).rejects.toThrow(/name=value/);
    });
  });
});

describe('the import CLI command', () => {
  let env: Record<string, string>;

  beforeAll(() => {
    ensureBuilt();
    env = freshEnvironment();
    const created = runCli(['tenant', 'create', 'acme', '--name', 'Acme'], env);
    if (created.code !== 0) throw new Error(created.stderr);
  }, 180_000);

  it('imports with --json and exits 0', () => {
    const result = runCli(['import', ORIGINAL, '--tenant', 'acme', '--json'], env);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as ImportResult;
    expect(report.users).toEqual({ created: 3, skipped: 0, failed: 0 });
    expect(report.passwords).toBeUndefined();
    expect(result.stdout).not.toMatch(/password/i);
  });

  it('exits 2 for a file that is not JSON', () => {
    const result = runCli(['import', join(PROJECT_ROOT, 'README.md'), '--tenant', 'acme'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('not valid JSON');
  });
});
