import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { ConfigFolder } from './support/config-folder.js';
import { SERVICE_DESK_YAML } from './support/configs.js';

interface TicketBody {
  id: string;
  status: string;
  configVersion?: string;
}

describe('transition rules and domain roles over HTTP', () => {
  let t: TestApp;
  let config: ConfigFolder;
  let employee: string;
  let dispatcher: string;
  let admin: string;
  let version: string;

  const as = (token: string) => ({
    get: (path: string) =>
      t.http.get(path).set('X-Tenant-ID', 'desk').set('Authorization', `Bearer ${token}`),
    post: (path: string, body: object) =>
      t.http
        .post(path)
        .set('X-Tenant-ID', 'desk')
        .set('Authorization', `Bearer ${token}`)
        .send(body),
  });

  const createTicket = async (customFields: Record<string, unknown>, typeCode = 'PURCHASE') => {
    const response = await as(employee)
      .post('/api/v1/tickets', {
        title: 'Monitors',
        description: 'Two screens',
        typeCode,
        customFields,
      })
      .expect(201);
    return response.body as TicketBody;
  };

  const move = (token: string, ticket: TicketBody, to: string) =>
    as(token).post(`/api/v1/tickets/${ticket.id}/transitions`, { to });

  beforeAll(async () => {
    config = ConfigFolder.withRoot(SERVICE_DESK_YAML);
    t = await startTestApp({ MASALA_CONFIG_PATH: config.path });
    const tenant = await t.createTenant('desk');
    await t.createUser(tenant, 'agent@desk.test', ['Employee']);
    await t.createUser(tenant, 'dispatch@desk.test', ['Dispatcher']);
    await t.createUser(tenant, 'admin@desk.test', ['Admin']);
    employee = await t.login('desk', 'agent@desk.test');
    dispatcher = await t.login('desk', 'dispatch@desk.test');
    admin = await t.login('desk', 'admin@desk.test');
    const domains = await as(employee).get('/api/v1/domains').expect(200);
    version = domains.body.version as string;
  });

  afterAll(async () => {
    await t.close();
    config.remove();
  });

  it('rejects a role the file does not define', async () => {
    const tenant = await t.createTenant('other');
    const attempt = t.createUser(tenant, 'x@other.test', ['Auditor']);
    await expect(attempt).rejects.toMatchObject({
      details: { errors: [expect.objectContaining({ field: 'roles', rule: 'role' })] },
    });
  });

  it('grants the domain role its permissions', async () => {
    const ticket = await createTicket({ channel: 'Phone', budget: 500 });
    await as(dispatcher).get(`/api/v1/tickets/${ticket.id}`).expect(200);
    const list = await as(dispatcher).get('/api/v1/tickets').expect(200);
    expect((list.body.data as TicketBody[]).map((item) => item.id)).toContain(ticket.id);
  });

  it('denies what the domain role lacks', async () => {
    const response = await as(dispatcher).post('/api/v1/tickets', {
      title: 'Not allowed',
      description: 'Dispatchers do not create',
      customFields: { channel: 'Phone' },
    });
    expect(response.status).toBe(403);
  });

  it('blocks an Employee on a role condition', async () => {
    const ticket = await createTicket({ channel: 'Phone', budget: 500 });
    await move(employee, ticket, 'TRIAGED').expect(200);
    const response = await move(employee, ticket, 'APPROVED').expect(409);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body.failedConditions).toEqual(['requires role Dispatcher']);
    expect(response.body.allowedStates).toEqual(['DONE']);
  });

  it('allows the domain role through', async () => {
    const ticket = await createTicket({ channel: 'Phone', budget: 500 });
    await move(employee, ticket, 'TRIAGED').expect(200);
    const response = await move(dispatcher, ticket, 'APPROVED').expect(200);
    expect(response.body.status).toBe('APPROVED');
  });

  it('blocks the role on a field condition', async () => {
    const ticket = await createTicket({ channel: 'Phone', budget: 50 });
    await move(employee, ticket, 'TRIAGED').expect(200);
    const response = await move(dispatcher, ticket, 'APPROVED').expect(409);
    expect(response.body.failedConditions).toEqual(['requires budget >= 100 (actual: 50)']);
    const unchanged = await as(employee).get(`/api/v1/tickets/${ticket.id}`).expect(200);
    expect(unchanged.body.status).toBe('TRIAGED');
  });

  it('lists every failed condition', async () => {
    const ticket = await createTicket({ channel: 'Phone' }, 'REQUEST');
    await move(employee, ticket, 'TRIAGED').expect(200);
    const response = await move(employee, ticket, 'APPROVED').expect(409);
    expect(response.body.failedConditions).toEqual([
      'requires role Dispatcher',
      'requires budget >= 100 (actual: empty)',
    ]);
  });

  it('checks a select field condition', async () => {
    const byMail = await createTicket({ channel: 'Email', budget: 10 });
    const byPhone = await createTicket({ channel: 'Phone', budget: 10 });
    const rejected = await move(employee, byMail, 'DONE').expect(409);
    expect(rejected.body.failedConditions).toEqual([
      'requires channel == "Phone" (actual: "Email")',
    ]);
    await move(employee, byPhone, 'DONE').expect(200);
  });

  it('checks the age_days virtual field', async () => {
    const ticket = await createTicket({ channel: 'Phone', budget: 10 });
    await move(employee, ticket, 'DONE').expect(200);
    const response = await move(employee, ticket, 'ARCHIVED').expect(409);
    expect(response.body.failedConditions).toEqual(['requires age_days >= 30 (actual: 0)']);
    expect(response.body.allowedStates).toEqual([]);
  });

  it('records the version in the transition audit', async () => {
    const ticket = await createTicket({ channel: 'Phone', budget: 500 });
    await move(employee, ticket, 'TRIAGED').expect(200);
    const audit = await as(admin).get(`/api/v1/audit?entityId=${ticket.id}&order=asc`).expect(200);
    const entries = audit.body.data as Array<{ action: string; configVersion: string | null }>;
    expect(entries.map((entry) => entry.action)).toEqual(['ticket.created', 'ticket.transitioned']);
    for (const entry of entries) {
      expect(entry.configVersion).toBe(version);
    }
  });

  it('describes the rule conditions', async () => {
    const response = await as(employee).get('/api/v1/domains/Desk').expect(200);
    const states = response.body.workflow.states as Array<{
      code: string;
      transitions: Array<{ to: string; conditions: Array<{ description: string }> }>;
    }>;
    const triaged = states.find((state) => state.code === 'TRIAGED');
    const approve = triaged?.transitions.find((transition) => transition.to === 'APPROVED');
    expect(approve?.conditions.map((condition) => condition.description)).toEqual([
      'role Dispatcher',
      'budget >= 100',
    ]);
    expect(response.body.roles).toEqual([
      {
        code: 'Dispatcher',
        displayName: 'Dispatcher',
        permissions: ['tickets.read', 'tickets.read_all', 'tickets.transition'],
      },
    ]);
  });
});
