import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import {
  describeDomain,
  dueDateFor,
  loadDomainConfigurationFile,
  parseDomainConfiguration,
} from './index.js';

const templatePath = fileURLToPath(
  new URL('./fixtures/masala_domains.template.yaml', import.meta.url),
);

const YAML = `
domains:
  Legal:
    display_name: Legal desk
    ui: { icon: bi-scale }
    work_item_types:
      - { code: CONTRACT, name: Contract review, default_sla_days: 0.5 }
      - { code: ADVICE, name: Advice }
    custom_fields:
      - { name: counterparty, type: text, sensitive: true }
    roles:
      - code: Counsel
        displayName: Senior counsel
        permissions: [tickets.read_all, comments.internal, tickets.transition]
    workflow:
      states:
        - { code: OPEN, name: Open, color: '#6c757d' }
        - { code: SIGNED, name: Signed }
      transitions:
        OPEN: [SIGNED]
      transition_rules:
        - from: OPEN
          to: SIGNED
          conditions:
            - { role: Counsel }
            - { field: counterparty, operator: is_not_empty }
    ai_prompts:
      summarize: Summarize the contract.
`;

const legal = (() => {
  const domain = parseDomainConfiguration(YAML, 'legal.yaml').domains.get('Legal');
  if (domain === undefined) {
    throw new Error('Legal domain not loaded');
  }
  return domain;
})();

describe('dueDateFor', () => {
  const itDomain = loadDomainConfigurationFile(templatePath).domains.get('IT');
  const createdAt = new Date('2025-03-30T08:15:00Z');

  it('adds default_sla_days to creation', () => {
    expect(itDomain).toBeDefined();
    if (itDomain === undefined) return;
    expect(dueDateFor(itDomain, 'INCIDENT', createdAt)).toEqual(new Date('2025-03-31T08:15:00Z'));
    expect(dueDateFor(itDomain, 'CHANGE', createdAt)).toEqual(new Date('2025-04-20T08:15:00Z'));
  });

  it('supports fractional days', () => {
    expect(dueDateFor(legal, 'CONTRACT', createdAt)).toEqual(new Date('2025-03-30T20:15:00Z'));
  });

  it('returns null without an SLA', () => {
    expect(dueDateFor(legal, 'ADVICE', createdAt)).toBeNull();
    expect(dueDateFor(legal, 'UNKNOWN', createdAt)).toBeNull();
  });
});

describe('describeDomain', () => {
  const described = describeDomain(legal) as Record<string, unknown>;

  it('includes labels, types, fields, roles and extras', () => {
    expect(described['id']).toBe('Legal');
    expect(described['displayName']).toBe('Legal desk');
    expect(described['ui']).toEqual({ icon: 'bi-scale' });
    expect(described['entityLabels']).toEqual({
      workItem: 'Ticket',
      workContainer: 'Project',
      workHandler: 'Agent',
    });
    expect(described['workItemTypes']).toEqual([
      { code: 'CONTRACT', name: 'Contract review', defaultSlaDays: 0.5 },
      { code: 'ADVICE', name: 'Advice' },
    ]);
    expect(described['customFields']).toEqual([
      {
        name: 'counterparty',
        label: 'counterparty',
        type: 'text',
        required: false,
        requiredForTypes: [],
        requiredForPriority: [],
        sensitive: true,
      },
    ]);
    expect(described['roles']).toEqual([
      {
        code: 'Counsel',
        displayName: 'Senior counsel',
        permissions: ['tickets.read_all', 'comments.internal', 'tickets.transition'],
      },
    ]);
    expect(described['extras']).toEqual({ ai_prompts: { summarize: 'Summarize the contract.' } });
  });

  it('lists transitions allowed from each state', () => {
    expect(described['workflow']).toEqual({
      initialState: 'OPEN',
      states: [
        {
          code: 'OPEN',
          name: 'Open',
          color: '#6c757d',
          initial: true,
          terminal: false,
          transitions: [
            {
              to: 'SIGNED',
              conditions: [
                { kind: 'role', roles: ['Counsel'], description: 'role Counsel' },
                {
                  kind: 'field',
                  field: 'counterparty',
                  operator: 'is_not_empty',
                  description: 'counterparty is_not_empty',
                },
              ],
            },
          ],
        },
        { code: 'SIGNED', name: 'Signed', initial: false, terminal: true, transitions: [] },
      ],
    });
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(described))).toEqual(described);
  });

  it('describes every template domain', () => {
    const configuration = loadDomainConfigurationFile(templatePath);
    const healthcare = configuration.domains.get('Healthcare');
    expect(healthcare).toBeDefined();
    if (healthcare === undefined) return;
    type DescribedState = { code: string; transitions: { to: string }[] };
    type DescribedStates = { workflow: { states: DescribedState[] } };
    const { workflow } = describeDomain(healthcare) as DescribedStates;
    const confirmed = workflow.states.find((state) => state.code === 'CONFIRMED');
    expect(confirmed?.transitions.map((transition) => transition.to)).toEqual([
      'RESCHEDULED',
      'COMPLETED',
      'NO_SHOW',
      'CANCELLED',
    ]);
  });
});
