import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { ConfigFolder, MINIMAL_FIXTURE, TEMPLATE_FIXTURE } from './support/config-folder.js';

interface ExpectedDomain {
  id: string;
  displayName: string;
  workItemLabel: string;
  typeCodes: string[];
  fieldNames: string[];
  /** Targets allowed from each state, in file order. */
  transitions: Record<string, string[]>;
  /** Custom field values that satisfy the domain's required fields. */
  requiredValues: Record<string, unknown>;
}

interface DomainBody {
  id: string;
  displayName: string;
  entityLabels: { workItem: string; workContainer: string; workHandler: string };
  workItemTypes: Array<{ code: string }>;
  customFields: Array<{ name: string; type: string }>;
  workflow: {
    initialState: string;
    states: Array<{
      code: string;
      initial: boolean;
      terminal: boolean;
      transitions: Array<{ to: string }>;
    }>;
  };
}

const TEMPLATE_DOMAINS: ExpectedDomain[] = [
  {
    id: 'IT',
    displayName: 'IT Support',
    workItemLabel: 'Ticket',
    typeCodes: ['INCIDENT', 'SERVICE_REQUEST', 'PROBLEM', 'CHANGE'],
    fieldNames: ['affected_systems', 'os_version', 'urgency'],
    transitions: {
      NEW: ['IN_PROGRESS', 'CLOSED'],
      IN_PROGRESS: ['ON_HOLD', 'RESOLVED'],
      ON_HOLD: ['IN_PROGRESS'],
      RESOLVED: ['CLOSED', 'IN_PROGRESS'],
      CLOSED: [],
    },
    requiredValues: { urgency: 'High' },
  },
  {
    id: 'Gardening',
    displayName: 'Landscaping Services',
    workItemLabel: 'Service Visit',
    typeCodes: ['QUOTE_REQUEST', 'SCHEDULED_MAINTENANCE', 'PEST_CONTROL', 'IRRIGATION'],
    fieldNames: ['soil_ph', 'sunlight_exposure', 'plant_species', 'garden_size_sqm', 'pest_type'],
    transitions: {
      REQUESTED: ['QUOTED', 'CANCELLED'],
      QUOTED: ['SCHEDULED', 'CANCELLED'],
      SCHEDULED: ['IN_PROGRESS', 'CANCELLED'],
      IN_PROGRESS: ['COMPLETED'],
      COMPLETED: [],
      CANCELLED: [],
    },
    requiredValues: { sunlight_exposure: 'Full Sun' },
  },
  {
    id: 'Government',
    displayName: 'Municipal Services',
    workItemLabel: 'Request',
    typeCodes: [
      'PERMIT_REQUEST',
      'LICENSE_APPLICATION',
      'CITIZEN_COMPLAINT',
      'INFORMATION_REQUEST',
    ],
    fieldNames: ['reference_number', 'district', 'urgency_reason'],
    transitions: {
      SUBMITTED: ['UNDER_REVIEW', 'REJECTED'],
      UNDER_REVIEW: ['PENDING_DOCUMENTS', 'APPROVED', 'REJECTED'],
      PENDING_DOCUMENTS: ['UNDER_REVIEW'],
      APPROVED: ['COMPLETED'],
      REJECTED: [],
      COMPLETED: [],
    },
    requiredValues: { district: 'Ixelles' },
  },
  {
    id: 'Healthcare',
    displayName: 'Medical Services',
    workItemLabel: 'Request',
    typeCodes: ['APPOINTMENT', 'PRESCRIPTION_REFILL', 'LAB_RESULTS', 'TELECONSULTATION'],
    fieldNames: ['patient_id', 'preferred_date', 'specialist_type', 'is_urgent'],
    transitions: {
      REQUESTED: ['CONFIRMED', 'CANCELLED'],
      CONFIRMED: ['RESCHEDULED', 'COMPLETED', 'NO_SHOW', 'CANCELLED'],
      RESCHEDULED: ['CONFIRMED', 'CANCELLED'],
      COMPLETED: [],
      CANCELLED: [],
      NO_SHOW: [],
    },
    requiredValues: {},
  },
];

const MINIMAL_DOMAINS: ExpectedDomain[] = [
  {
    id: 'IT',
    displayName: 'IT Support',
    workItemLabel: 'Ticket',
    typeCodes: ['INCIDENT', 'SERVICE_REQUEST'],
    fieldNames: [],
    transitions: { Pending: ['InProgress'], InProgress: ['Completed'], Completed: [] },
    requiredValues: {},
  },
  {
    id: 'Gardening',
    displayName: 'Gardening Services',
    workItemLabel: 'Service Visit',
    typeCodes: [],
    fieldNames: [],
    transitions: { Scheduled: ['Done'], Done: [] },
    requiredValues: {},
  },
];

describe.each([
  { name: 'template', fixture: TEMPLATE_FIXTURE, domains: TEMPLATE_DOMAINS, defaultDomain: 'IT' },
  { name: 'minimal', fixture: MINIMAL_FIXTURE, domains: MINIMAL_DOMAINS, defaultDomain: 'IT' },
])('$name fixture over HTTP', ({ fixture, domains, defaultDomain }) => {
  let t: TestApp;
  let config: ConfigFolder;
  let token: string;

  const get = (path: string) =>
    t.http.get(path).set('X-Tenant-ID', 'fixture').set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    config = ConfigFolder.withFixture(fixture);
    t = await startTestApp({ MASALA_CONFIG_PATH: config.path });
    const tenant = await t.createTenant('fixture');
    await t.createUser(tenant, 'agent@fixture.test', ['Employee']);
    token = await t.login('fixture', 'agent@fixture.test');
  });

  afterAll(async () => {
    await t.close();
    config.remove();
  });

  it('lists every domain of the file', async () => {
    const response = await get('/api/v1/domains').expect(200);
    const ids = (response.body.data as DomainBody[]).map((domain) => domain.id);
    expect(ids).toEqual(domains.map((domain) => domain.id));
    expect(response.body.defaultDomain).toBe(defaultDomain);
    expect(response.body.version).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each(domains.map((domain) => [domain.id, domain] as const))(
    'describes domain %s',
    async (id, expected) => {
      const response = await get(`/api/v1/domains/${id}`).expect(200);
      const body = response.body as DomainBody;
      expect(body.displayName).toBe(expected.displayName);
      expect(body.entityLabels.workItem).toBe(expected.workItemLabel);
      expect(body.workItemTypes.map((type) => type.code)).toEqual(expected.typeCodes);
      expect(body.customFields.map((field) => field.name)).toEqual(expected.fieldNames);

      const transitions = Object.fromEntries(
        body.workflow.states.map((state) => [
          state.code,
          state.transitions.map((transition) => transition.to),
        ]),
      );
      expect(transitions).toEqual(expected.transitions);
      const firstState = Object.keys(expected.transitions)[0];
      expect(body.workflow.initialState).toBe(firstState);
      const terminal = body.workflow.states
        .filter((state) => state.terminal)
        .map((state) => state.code);
      const expectedTerminal = Object.entries(expected.transitions)
        .filter(([, targets]) => targets.length === 0)
        .map(([code]) => code);
      expect(terminal).toEqual(expectedTerminal);
    },
  );

  it.each(domains.map((domain) => [domain.id, domain] as const))(
    'creates a ticket in domain %s',
    async (id, expected) => {
      const response = await t.http
        .post('/api/v1/tickets')
        .set('X-Tenant-ID', 'fixture')
        .set('Authorization', `Bearer ${token}`)
        .send({
          title: `First ${id} ticket`,
          description: 'From the fixture test',
          domainId: id,
          customFields: expected.requiredValues,
        })
        .expect(201);
      expect(response.body.domainId).toBe(id);
      expect(response.body.status).toBe(Object.keys(expected.transitions)[0]);
    },
  );

  it('returns 404 for an unknown domain', async () => {
    const response = await get('/api/v1/domains/Unknown').expect(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });
});
