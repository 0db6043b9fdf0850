import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { DatabaseRouter, TenantDatabase } from '#kernel';
import { Ticket } from '#tickets';
import { NormalizeTicketTimestamps1764806400290 } from '../../libs/tickets/src/infrastructure/migrations/1764806400290-normalize-ticket-timestamps.js';
import { createTestDatabase, ensurePostgres, logSkip, type TestDatabase } from '../postgres/support/postgres.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { clientFor, itTicket, type Client } from './tickets-support.js';

const postgres = await ensurePostgres();
if (!postgres.available) logSkip('ticket paging on PostgreSQL', postgres.reason);
const describePostgres = postgres.available ? describe : describe.skip;

type TicketRow = { id: string; title: string; priority: string; dueAt: string | null; createdAt: string; updatedAt: string };

describe('finding tickets: filters, search, sorting and cursors', () => {
  let t: TestApp;
  let agent: Client;
  let customer: Client;
  let globex: Client;
  let agentId: string;
  const ids: Record<string, string> = {};

  const create = async (client: Client, key: string, body: Record<string, unknown>) => {
    const response = await client('post', '/api/v1/tickets').send(body).expect(201);
    ids[key] = response.body.id;
    return response.body as TicketRow;
  };
  const idsOf = (body: { data: TicketRow[] }) => body.data.map((ticket) => ticket.id);

  /** Follows nextCursor to the end and returns every id in page order. */
  const walk = async (client: Client, query: string, limit = 2): Promise<string[]> => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const suffix: string = cursor ? `&cursor=${cursor}` : '';
      const page = await client('get', `/api/v1/tickets?${query}&limit=${limit}${suffix}`).expect(200);
      seen.push(...idsOf(page.body));
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    return seen;
  };

  beforeAll(async () => {
    t = await startTestApp();
    const acme = await t.createTenant('acme');
    const globexTenant = await t.createTenant('globex');
    agentId = await t.createUser(acme, 'agent@acme.test', ['Employee']);
    await t.createUser(acme, 'customer@acme.test', ['Customer']);
    await t.createUser(globexTenant, 'agent@globex.test', ['Employee']);
    agent = clientFor(t, 'acme', await t.login('acme', 'agent@acme.test'));
    customer = clientFor(t, 'acme', await t.login('acme', 'customer@acme.test'));
    globex = clientFor(t, 'globex', await t.login('globex', 'agent@globex.test'));

    await create(agent, 'vpn', itTicket('VPN tunnel drops', { priority: 'urgent', typeCode: 'INCIDENT', tags: ['network'] }));
    await create(agent, 'printer', itTicket('Printer jam', { priority: 'low', typeCode: 'CHANGE', assigneeId: agentId }));
    await create(customer, 'mail', { ...itTicket('Mailbox full'), description: 'Über Größe: the Café server rejects mail' });
    await create(agent, 'laptop', itTicket('New laptop', { priority: 'high', typeCode: 'SERVICE_REQUEST', tags: ['hardware'] }));
    await create(agent, 'garden', {
      title: 'Hedge trimming',
      description: 'Front garden',
      domainId: 'Gardening',
      customFields: { sunlight_exposure: 'Full Sun' },
    });
    await create(globex, 'globexVpn', itTicket('VPN tunnel drops at globex'));
    await agent('post', `/api/v1/tickets/${ids.printer}/comments`).send({ body: 'Replaced the fuser unit' }).expect(201);
  });

  afterAll(async () => {
    await t.close();
  });

  describe('free-text search', () => {
    it('matches words in the title', async () => {
      expect(idsOf((await agent('get', '/api/v1/tickets?q=tunnel').expect(200)).body)).toEqual([ids.vpn]);
    });

    it('needs every query word', async () => {
      expect(idsOf((await agent('get', '/api/v1/tickets?q=vpn%20drops').expect(200)).body)).toEqual([ids.vpn]);
      expect((await agent('get', '/api/v1/tickets?q=vpn%20printer').expect(200)).body.data).toHaveLength(0);
    });

    it('folds case and accents', async () => {
      expect(idsOf((await agent('get', '/api/v1/tickets?q=CAFE%20uber').expect(200)).body)).toEqual([ids.mail]);
      expect(idsOf((await agent('get', '/api/v1/tickets?q=gr%C3%B6sse').expect(200)).body)).toEqual([]);
      expect(idsOf((await agent('get', '/api/v1/tickets?q=grosse').expect(200)).body)).toEqual([]);
      expect(idsOf((await agent('get', '/api/v1/tickets?q=gro%C3%9Fe').expect(200)).body)).toEqual([ids.mail]);
    });

    it('matches public comments across sources', async () => {
      expect(idsOf((await agent('get', '/api/v1/tickets?q=fuser%20printer').expect(200)).body)).toEqual([ids.printer]);
    });

    it('never returns another tenant', async () => {
      const acme = idsOf((await agent('get', '/api/v1/tickets?q=vpn').expect(200)).body);
      const other = idsOf((await globex('get', '/api/v1/tickets?q=vpn').expect(200)).body);
      expect(acme).toEqual([ids.vpn]);
      expect(other).toEqual([ids.globexVpn]);
    });

    it('limits customers to their own tickets', async () => {
      expect((await customer('get', '/api/v1/tickets?q=tunnel').expect(200)).body.data).toHaveLength(0);
      expect(idsOf((await customer('get', '/api/v1/tickets?q=mailbox').expect(200)).body)).toEqual([ids.mail]);
    });

    it('follows title edits', async () => {
      const ticket = await create(agent, 'edited', { ...itTicket('Keyboard sticky'), description: 'Since Monday' });
      await agent('patch', `/api/v1/tickets/${ticket.id}`).set('If-Match', '"1"').send({ title: 'Mouse broken' }).expect(200);
      expect((await agent('get', '/api/v1/tickets?q=keyboard').expect(200)).body.data).toHaveLength(0);
      expect(idsOf((await agent('get', '/api/v1/tickets?q=mouse').expect(200)).body)).toEqual([ticket.id]);
    });

    it('stores no plaintext word in the index', async () => {
      const writer = t.app.get(DatabaseRouter).catalog().writer;
      const rows = (await writer.query('SELECT terms FROM ticket_search')) as Array<{ terms: string }>;
      expect(rows.length).toBeGreaterThan(0);
      const stored = rows.map((row) => row.terms).join(' ');
      for (const word of ['vpn', 'tunnel', 'printer', 'fuser', 'mailbox', 'cafe']) {
        expect(stored).not.toContain(word);
      }
    });

    it('rejects a query without words', async () => {
      const response = await agent('get', '/api/v1/tickets?q=%21%21').expect(400);
      expect(response.body.errors[0].field).toBe('q');
    });
  });

  describe('filters', () => {
    it('filters by type, domain, assignee and tag', async () => {
      expect(idsOf((await agent('get', '/api/v1/tickets?typeCode=CHANGE').expect(200)).body)).toEqual([ids.printer]);
      expect(idsOf((await agent('get', '/api/v1/tickets?domainId=Gardening').expect(200)).body)).toEqual([ids.garden]);
      expect(idsOf((await agent('get', `/api/v1/tickets?assigneeId=${agentId}`).expect(200)).body)).toEqual([ids.printer]);
      expect(idsOf((await agent('get', '/api/v1/tickets?tag=Network').expect(200)).body)).toEqual([ids.vpn]);
      expect(idsOf((await agent('get', '/api/v1/tickets?status=REQUESTED').expect(200)).body)).toEqual([ids.garden]);
    });

    it('filters by requester', async () => {
      const me = await customer('get', '/api/v1/me').expect(200);
      expect(idsOf((await agent('get', `/api/v1/tickets?requesterId=${me.body.id}`).expect(200)).body)).toEqual([ids.mail]);
    });

    it('filters unassigned tickets', async () => {
      const unassigned = idsOf((await agent('get', '/api/v1/tickets?unassigned=true&limit=100').expect(200)).body);
      expect(unassigned).not.toContain(ids.printer);
      expect(unassigned).toContain(ids.vpn);
    });

    it('filters by due date', async () => {
      const soon = new Date(Date.now() + 2 * 86_400_000).toISOString();
      const due = idsOf((await agent('get', `/api/v1/tickets?dueBefore=${encodeURIComponent(soon)}&limit=100`).expect(200)).body);
      expect(due).toContain(ids.vpn);
      expect(due).not.toContain(ids.laptop);
    });

    it('rejects invalid filter values', async () => {
      await agent('get', '/api/v1/tickets?overdue=maybe').expect(400);
      await agent('get', '/api/v1/tickets?dueBefore=tomorrow').expect(400);
      await agent('get', '/api/v1/tickets?sort=title').expect(400);
      await agent('get', '/api/v1/tickets?tag=%23%23').expect(400);
    });
  });

  describe('sorting and cursors', () => {
    const acmeIds = () => [ids.vpn, ids.printer, ids.mail, ids.laptop, ids.garden, ids.edited].filter(Boolean);

    it.each([
      ['sort=-created'],
      ['sort=created&order=desc'],
      ['sort=created'],
      ['sort=updated'],
      ['sort=-updated'],
      ['sort=due'],
      ['sort=-due'],
      ['sort=priority'],
      ['sort=priority&order=desc'],
      ['order=asc'],
    ])('pages %s without gaps or repeats', async (query) => {
      const all = await agent('get', `/api/v1/tickets?${query}&limit=100`).expect(200);
      const paged = await walk(agent, query);
      expect(paged).toEqual(idsOf(all.body));
      expect(new Set(paged).size).toBe(paged.length);
      expect([...paged].sort()).toEqual([...acmeIds()].sort());
    });

    it('orders by priority', async () => {
      const rows = (await agent('get', '/api/v1/tickets?sort=-priority&limit=100').expect(200)).body.data as TicketRow[];
      const rank = { low: 1, normal: 2, high: 3, urgent: 4 } as Record<string, number>;
      const ranks = rows.map((row) => rank[row.priority]!);
      expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
      expect(rows[0]!.id).toBe(ids.vpn);
    });

    it('orders by due date with undated last', async () => {
      const ascending = (await agent('get', '/api/v1/tickets?sort=due&limit=100').expect(200)).body.data as TicketRow[];
      const dated = ascending.filter((row) => row.dueAt !== null).map((row) => Date.parse(row.dueAt!));
      expect(dated).toEqual([...dated].sort((a, b) => a - b));
      expect(ascending[0]!.id).toBe(ids.vpn);
    });

    it('orders by creation oldest first', async () => {
      const rows = (await agent('get', '/api/v1/tickets?sort=created&limit=100').expect(200)).body.data as TicketRow[];
      expect(rows[0]!.id).toBe(ids.vpn);
    });

    it('rejects a cursor of another sort', async () => {
      const page = await agent('get', '/api/v1/tickets?sort=priority&limit=1').expect(200);
      const response = await agent('get', `/api/v1/tickets?sort=created&limit=1&cursor=${page.body.nextCursor}`).expect(400);
      expect(response.body.errors[0].field).toBe('cursor');
      await agent('get', '/api/v1/tickets?cursor=not-a-cursor').expect(400);
    });

    it('pages search results', async () => {
      await create(agent, 'vpn2', itTicket('VPN client update'));
      const paged = await walk(agent, 'q=vpn', 1);
      expect(paged.sort()).toEqual([ids.vpn, ids.vpn2].sort());
    });
  });
});

const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
const RANK: Record<(typeof PRIORITIES)[number], number> = { low: 1, normal: 2, high: 3, urgent: 4 };

/**
 * Sort keys that collide often: three instants, two of them one millisecond apart within the
 * same second, and due dates that are often missing.
 */
const BASE = Date.UTC(2026, 5, 1, 12, 0, 0, 0);
const INSTANTS = [BASE, BASE + 1, BASE + 1000];
const DUE_DATES = [null, BASE + 86_400_000, BASE + 86_400_001];

type Keys = { created: number; updated: number; due: number | null; priority: (typeof PRIORITIES)[number] };

const keysArbitrary = fc.record({
  created: fc.constantFrom(...INSTANTS),
  updated: fc.constantFrom(...INSTANTS),
  due: fc.constantFrom(...DUE_DATES),
  priority: fc.constantFrom(...PRIORITIES),
});

/** Every sort the list accepts, with the order the API must return for it. */
const SORTS: Array<{ query: string; key: (keys: Keys) => number | null; descending: boolean }> = [
  { query: 'sort=-created', key: (keys) => keys.created, descending: true },
  { query: 'sort=created&order=desc', key: (keys) => keys.created, descending: true },
  { query: 'sort=created', key: (keys) => keys.created, descending: false },
  { query: 'order=asc', key: (keys) => keys.created, descending: false },
  { query: 'sort=updated', key: (keys) => keys.updated, descending: false },
  { query: 'sort=-updated', key: (keys) => keys.updated, descending: true },
  { query: 'sort=due', key: (keys) => keys.due, descending: false },
  { query: 'sort=-due', key: (keys) => keys.due, descending: true },
  { query: 'sort=priority', key: (keys) => RANK[keys.priority], descending: false },
  { query: 'sort=-priority', key: (keys) => RANK[keys.priority], descending: true },
];

/**
 * Follows nextCursor and returns every id in page order. Stops after `maxPages`, so a cursor
 * that never ends shows up as repeated ids instead of a test that hangs.
 */
async function pageThrough(client: Client, query: string, limit: number, maxPages: number): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < maxPages; page += 1) {
    const suffix: string = cursor ? `&cursor=${cursor}` : '';
    const response = await client('get', `/api/v1/tickets?${query}&limit=${limit}${suffix}`).expect(200);
    seen.push(...(response.body.data as Array<{ id: string }>).map((ticket) => ticket.id));
    cursor = response.body.nextCursor as string | null;
    if (!cursor) break;
  }
  return seen;
}

/** Orders by the sort key, then by id in the same direction. A missing key comes last either way. */
function expectedOrder(ids: string[], keysById: Map<string, Keys>, sort: (typeof SORTS)[number]): string[] {
  const sign = sort.descending ? -1 : 1;
  return [...ids].sort((left, right) => {
    const a = sort.key(keysById.get(left)!);
    const b = sort.key(keysById.get(right)!);
    if (a === null || b === null) {
      if (a !== b) return a === null ? 1 : -1;
    } else if (a !== b) {
      return sign * (a - b);
    }
    return sign * (left < right ? -1 : 1);
  });
}

/**
 * Pages through every sort over tickets whose sort keys collide, on the database that `start`
 * selects, and checks that each ticket appears exactly once and in the expected order.
 */
function describeTiedKeyPaging(title: string, start: () => Promise<TestApp>) {
  describe(title, () => {
    const TICKETS = 24;
    let t: TestApp;
    let agent: Client;
    let officer: Client;
    let tenantId: string;
    const ids: string[] = [];

    beforeAll(async () => {
      t = await start();
      const tenant = await t.createTenant('ties');
      tenantId = tenant.id;
      await t.createUser(tenant, 'agent@ties.test', ['Employee']);
      await t.createUser(tenant, 'officer@ties.test', ['ComplianceOfficer']);
      agent = clientFor(t, 'ties', await t.login('ties', 'agent@ties.test'));
      officer = clientFor(t, 'ties', await t.login('ties', 'officer@ties.test'));
      for (let index = 0; index < TICKETS; index += 1) {
        const response = await agent('post', '/api/v1/tickets').send(itTicket(`Tied ${index}`)).expect(201);
        ids.push(response.body.id as string);
      }
    });

    afterAll(async () => {
      await t.close();
    });

    /** Sets the stored sort keys of every ticket, the arrangement step of each run. */
    const storeKeys = (keysById: Map<string, Keys>) =>
      t.app.get(TenantDatabase).write(tenantId, async ({ manager }) => {
        for (const [id, keys] of keysById) {
          await manager.update(Ticket, { tenantId, id }, {
            createdAt: new Date(keys.created),
            updatedAt: new Date(keys.updated),
            dueAt: keys.due === null ? null : new Date(keys.due),
            priority: keys.priority,
            priorityRank: RANK[keys.priority],
          });
        }
      });

    const walk = (query: string, limit: number) => pageThrough(agent, query, limit, TICKETS + 1);

    it('pages every sort exactly once', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(keysArbitrary, { minLength: TICKETS, maxLength: TICKETS }),
          fc.integer({ min: 2, max: 7 }),
          async (keyList, limit) => {
            const keysById = new Map(ids.map((id, index) => [id, keyList[index]!]));
            await storeKeys(keysById);
            for (const sort of SORTS) {
              const paged = await walk(sort.query, limit);
              expect({ sort: sort.query, limit, repeated: paged.length - new Set(paged).size }).toEqual({
                sort: sort.query,
                limit,
                repeated: 0,
              });
              expect({ sort: sort.query, limit, paged }).toEqual({
                sort: sort.query,
                limit,
                paged: expectedOrder(ids, keysById, sort),
              });
            }
          },
        ),
        { numRuns: 6 },
      );
    });

    it('pages tickets after their redaction', async () => {
      const redacted = ids.slice(0, 6);
      for (const id of redacted) {
        await agent('patch', `/api/v1/tickets/${id}`).set('If-Match', '*').send({ description: 'Mail me at jo@example.com' }).expect(200);
        const before = Date.now();
        await officer('post', `/api/v1/tickets/${id}/redactions`).expect(200);
        const ticket = await agent('get', `/api/v1/tickets/${id}`).expect(200);
        expect(ticket.body.description).toBe('Mail me at [email]');
        expect(Date.parse(ticket.body.updatedAt)).toBeGreaterThanOrEqual(before);
      }
      for (const query of ['sort=-updated', 'sort=updated']) {
        const paged = await walk(query, 2);
        expect({ query, paged: [...paged].sort() }).toEqual({ query, paged: [...ids].sort() });
      }
    });

    it('keeps millisecond timestamps in responses', async () => {
      await storeKeys(new Map(ids.map((id) => [id, { created: BASE + 7, updated: BASE + 1, due: null, priority: 'normal' }])));
      const response = await agent('get', `/api/v1/tickets/${ids[0]}`).expect(200);
      expect(response.body.createdAt).toBe(new Date(BASE + 7).toISOString());
      expect(response.body.updatedAt).toBe(new Date(BASE + 1).toISOString());
    });
  });
}

describeTiedKeyPaging('ticket paging with tied sort keys on SQLite', () => startTestApp());

describe('ticket timestamps from the SQLite clock', () => {
  let t: TestApp;

  afterAll(async () => {
    await t.close();
  });

  it('pages them after the migration', async () => {
    t = await startTestApp();
    const tenant = await t.createTenant('clock');
    await t.createUser(tenant, 'agent@clock.test', ['Employee']);
    const agent = clientFor(t, 'clock', await t.login('clock', 'agent@clock.test'));
    const ids: string[] = [];
    for (let index = 0; index < 6; index += 1) {
      ids.push((await agent('post', '/api/v1/tickets').send(itTicket(`Clock ${index}`)).expect(201)).body.id as string);
    }
    // The text form that CURRENT_TIMESTAMP writes: whole seconds, no fraction.
    const writer = t.app.get(DatabaseRouter).catalog().writer;
    await writer.query(`UPDATE tickets SET updated_at = '2026-06-01 12:00:00' WHERE tenant_id = ?`, [tenant.id]);

    const runner = writer.createQueryRunner();
    try {
      await new NormalizeTicketTimestamps1764806400290().up(runner);
    } finally {
      await runner.release();
    }

    const rows = (await writer.query('SELECT DISTINCT updated_at FROM tickets WHERE tenant_id = ?', [tenant.id])) as Array<{
      updated_at: string;
    }>;
    expect(rows).toEqual([{ updated_at: '2026-06-01 12:00:00.000' }]);
    for (const query of ['sort=-updated', 'sort=updated']) {
      const paged = await pageThrough(agent, query, 2, ids.length + 1);
      expect({ query, paged: [...paged].sort() }).toEqual({ query, paged: [...ids].sort() });
    }
  });
});

describePostgres('ticket paging on PostgreSQL', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database?.drop();
  });

  describeTiedKeyPaging('with tied sort keys', () => startTestApp(database.env));
});
