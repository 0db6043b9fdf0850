import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { ConfigFolder } from './support/config-folder.js';
import { SERVICE_DESK_YAML } from './support/configs.js';

interface FieldErrorBody {
  field: string;
  rule: string;
  message: string;
}

interface InvalidCase {
  name: string;
  body: Record<string, unknown>;
  /** Every `field rule` pair the response must list, in any order, and nothing else. */
  errors: string[];
}

const INVALID_CASES: InvalidCase[] = [
  {
    name: 'unknown field',
    body: { customFields: { channel: 'Phone', colour: 'red' } },
    errors: ['customFields.colour unknown_field'],
  },
  {
    name: 'missing required field',
    body: { customFields: {} },
    errors: ['customFields.channel required'],
  },
  {
    name: 'option not listed',
    body: { customFields: { channel: 'Fax' } },
    errors: ['customFields.channel option'],
  },
  {
    name: 'wrong type for a select',
    body: { customFields: { channel: 3 } },
    errors: ['customFields.channel type'],
  },
  {
    name: 'number below the minimum',
    body: { customFields: { channel: 'Phone', seats: 0 } },
    errors: ['customFields.seats min'],
  },
  {
    name: 'number above the maximum',
    body: { customFields: { channel: 'Phone', seats: 501 } },
    errors: ['customFields.seats max'],
  },
  {
    name: 'text instead of a number',
    body: { customFields: { channel: 'Phone', seats: '12' } },
    errors: ['customFields.seats type'],
  },
  {
    name: 'currency with three decimals',
    body: { customFields: { channel: 'Phone', budget: 10.005 } },
    errors: ['customFields.budget precision'],
  },
  {
    name: 'negative currency',
    body: { customFields: { channel: 'Phone', budget: -1 } },
    errors: ['customFields.budget min'],
  },
  {
    name: 'impossible calendar date',
    body: { customFields: { channel: 'Phone', needed_by: '2026-02-30' } },
    errors: ['customFields.needed_by type'],
  },
  {
    name: 'multi-select option not listed',
    body: { customFields: { channel: 'Phone', platforms: ['Linux', 'BeOS'] } },
    errors: ['customFields.platforms option'],
  },
  {
    name: 'multi-select duplicate option',
    body: { customFields: { channel: 'Phone', platforms: ['Linux', 'Linux'] } },
    errors: ['customFields.platforms duplicate'],
  },
  {
    name: 'text instead of a boolean',
    body: { customFields: { channel: 'Phone', on_site: 'yes' } },
    errors: ['customFields.on_site type'],
  },
  {
    name: 'field required for the type',
    body: { typeCode: 'PURCHASE', customFields: { channel: 'Portal' } },
    errors: ['customFields.budget required'],
  },
  {
    name: 'field required for the priority',
    body: { priority: 'urgent', customFields: { channel: 'Phone' } },
    errors: ['customFields.justification required'],
  },
  {
    name: 'every failure at once',
    body: {
      typeCode: 'PURCHASE',
      priority: 'urgent',
      customFields: { channel: 'Fax', seats: 900, needed_by: 'soon', colour: 'red' },
    },
    errors: [
      'customFields.colour unknown_field',
      'customFields.channel option',
      'customFields.budget required',
      'customFields.seats max',
      'customFields.needed_by type',
      'customFields.justification required',
    ],
  },
];

describe('custom fields over HTTP', () => {
  let t: TestApp;
  let config: ConfigFolder;
  let token: string;

  const createTicket = (body: Record<string, unknown>) =>
    t.http
      .post('/api/v1/tickets')
      .set('X-Tenant-ID', 'desk')
      .set('Authorization', `Bearer ${token}`)
      .send({ title: 'New laptop', description: 'For the new hire', ...body });

  beforeAll(async () => {
    config = ConfigFolder.withRoot(SERVICE_DESK_YAML);
    t = await startTestApp({ MASALA_CONFIG_PATH: config.path });
    const tenant = await t.createTenant('desk');
    await t.createUser(tenant, 'agent@desk.test', ['Employee']);
    token = await t.login('desk', 'agent@desk.test');
  });

  afterAll(async () => {
    await t.close();
    config.remove();
  });

  it.each(INVALID_CASES.map((item) => [item.name, item] as const))(
    'rejects %s',
    async (_name, item) => {
      const response = await createTicket(item.body).expect(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      const errors = response.body.errors as FieldErrorBody[];
      const pairs = errors.map((error) => `${error.field} ${error.rule}`);
      expect(pairs.sort()).toEqual([...item.errors].sort());
      for (const error of errors) {
        expect(error.message).toContain(error.field.replace('customFields.', ''));
      }
    },
  );

  it('names the known fields for an unknown one', async () => {
    const response = await createTicket({
      customFields: { channel: 'Phone', colour: 'red' },
    }).expect(400);
    const [error] = response.body.errors as FieldErrorBody[];
    expect(error?.message).toBe(
      "unknown custom field 'colour' for domain Desk (known fields: channel, budget, seats, needed_by, justification, platforms, on_site)",
    );
  });

  it('stores no ticket for a rejected request', async () => {
    await createTicket({ customFields: { channel: 'Fax' } }).expect(400);
    const list = await t.http
      .get('/api/v1/tickets')
      .set('X-Tenant-ID', 'desk')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(list.body.data).toEqual([]);
  });

  it('accepts valid values and stores them', async () => {
    const response = await createTicket({
      typeCode: 'PURCHASE',
      priority: 'urgent',
      customFields: {
        channel: 'Portal',
        budget: 1299.99,
        seats: 3,
        needed_by: '2027-01-15',
        justification: '  New hire starts Monday  ',
        platforms: ['macOS', 'Linux'],
        on_site: false,
      },
    }).expect(201);
    expect(response.body.customFields).toEqual({
      channel: 'Portal',
      budget: 1299.99,
      seats: 3,
      needed_by: '2027-01-15',
      justification: 'New hire starts Monday',
      platforms: ['macOS', 'Linux'],
      on_site: false,
    });
  });

  it('sets the due date from the type SLA', async () => {
    const response = await createTicket({
      typeCode: 'PURCHASE',
      customFields: { channel: 'Email', budget: 5 },
    });
    expect(response.status).toBe(201);
    const createdAt = Date.parse(response.body.createdAt as string);
    const dueAt = Date.parse(response.body.dueAt as string);
    expect(dueAt - createdAt).toBe(10 * 24 * 60 * 60 * 1000);
  });
});
