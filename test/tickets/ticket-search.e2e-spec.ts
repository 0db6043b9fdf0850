import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DatabaseRouter } from '#kernel';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { clientFor, itTicket, type Client } from './tickets-support.js';

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
