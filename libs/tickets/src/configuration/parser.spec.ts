import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import {
  DomainConfigurationError,
  loadDomainConfigurationFile,
  parseDomainConfiguration,
  type DomainDefinition,
} from './index.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const templatePath = fixture('masala_domains.template.yaml');
const minimalPath = fixture('masala_domains.minimal.yaml');

function domainOf(
  definitions: ReadonlyMap<string, DomainDefinition>,
  id: string,
): DomainDefinition {
  const domain = definitions.get(id);
  if (domain === undefined) {
    throw new Error(`domain ${id} not loaded`);
  }
  return domain;
}

describe('template fixture (snake_case)', () => {
  const configuration = loadDomainConfigurationFile(templatePath);

  it('loads the four domains in file order', () => {
    expect([...configuration.domains.keys()]).toEqual([
      'IT',
      'Gardening',
      'Government',
      'Healthcare',
    ]);
    expect(configuration.sourcePath).toBe(templatePath);
  });

  it('reads global settings', () => {
    expect(configuration.global).toEqual({
      defaultDomain: 'IT',
      allowDomainSwitching: false,
      configReloadEnabled: true,
    });
  });

  it('reads IT states, types and transitions', () => {
    const itDomain = domainOf(configuration.domains, 'IT');
    expect(itDomain.displayName).toBe('IT Support');
    expect(itDomain.entityLabels).toEqual({
      workItem: 'Ticket',
      workContainer: 'Project',
      workHandler: 'Agent',
    });
    expect(itDomain.workflow.states.map((state) => state.code)).toEqual([
      'NEW',
      'IN_PROGRESS',
      'ON_HOLD',
      'RESOLVED',
      'CLOSED',
    ]);
    expect(itDomain.workflow.initialState).toBe('NEW');
    expect(itDomain.workflow.transitions).toEqual({
      NEW: ['IN_PROGRESS', 'CLOSED'],
      IN_PROGRESS: ['ON_HOLD', 'RESOLVED'],
      ON_HOLD: ['IN_PROGRESS'],
      RESOLVED: ['CLOSED', 'IN_PROGRESS'],
      CLOSED: [],
    });
    expect(itDomain.workItemTypes.map((type) => [type.code, type.defaultSlaDays])).toEqual([
      ['INCIDENT', 1],
      ['SERVICE_REQUEST', 5],
      ['PROBLEM', 14],
      ['CHANGE', 21],
    ]);
    expect(itDomain.workItemTypes[0]).toEqual({
      code: 'INCIDENT',
      name: 'Incident',
      icon: 'fa-fire',
      color: '#dc3545',
      defaultSlaDays: 1,
    });
  });

  it('reads custom field definitions', () => {
    const gardening = domainOf(configuration.domains, 'Gardening');
    expect(gardening.customFields.find((field) => field.name === 'soil_ph')).toEqual({
      name: 'soil_ph',
      label: 'Soil pH Level',
      type: 'number',
      min: 0,
      max: 14,
      required: false,
      requiredForTypes: [],
      requiredForPriority: [],
      sensitive: false,
    });
    const pestType = gardening.customFields.find((field) => field.name === 'pest_type');
    expect(pestType?.requiredForTypes).toEqual(['PEST_CONTROL']);
    const government = domainOf(configuration.domains, 'Government');
    const urgencyReason = government.customFields.find((field) => field.name === 'urgency_reason');
    expect(urgencyReason?.requiredForPriority).toEqual(['High', 'Critical']);
    const healthcare = domainOf(configuration.domains, 'Healthcare');
    const healthcareTypes = healthcare.customFields.map((field) => field.type);
    expect(healthcareTypes).toEqual(['text', 'date', 'select', 'boolean']);
  });

  it('reads the states of the other domains', () => {
    const states = (id: string): string[] =>
      domainOf(configuration.domains, id).workflow.states.map((state) => state.code);
    expect(states('Gardening')).toEqual([
      'REQUESTED',
      'QUOTED',
      'SCHEDULED',
      'IN_PROGRESS',
      'COMPLETED',
      'CANCELLED',
    ]);
    expect(states('Government')).toEqual([
      'SUBMITTED',
      'UNDER_REVIEW',
      'PENDING_DOCUMENTS',
      'APPROVED',
      'REJECTED',
      'COMPLETED',
    ]);
    expect(states('Healthcare')).toEqual([
      'REQUESTED',
      'CONFIRMED',
      'RESCHEDULED',
      'COMPLETED',
      'CANCELLED',
      'NO_SHOW',
    ]);
  });

  it('keeps AI and integration sections verbatim in extras', () => {
    const itDomain = domainOf(configuration.domains, 'IT');
    expect(Object.keys(itDomain.extras)).toEqual(['ai_strategies', 'ai_prompts', 'integrations']);
    expect(itDomain.extras['ai_prompts']).toEqual({
      summarize:
        'Summarize this IT support ticket and suggest troubleshooting steps based on the description and affected systems.',
    });
    expect(itDomain.ui).toEqual({});
    expect(itDomain.roles).toEqual([]);
    expect(itDomain.workflow.transitionRules).toEqual([]);
  });

  it('stores a JSON snapshot of global and domains', () => {
    type Snapshot = { global: unknown; domains: Record<string, unknown> };
    const snapshot = configuration.snapshot as Snapshot;
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
    expect(snapshot.global).toEqual(configuration.global);
    expect(Object.keys(snapshot.domains)).toEqual(['IT', 'Gardening', 'Government', 'Healthcare']);
    const itJson: unknown = JSON.parse(JSON.stringify(configuration.domains.get('IT')));
    expect(snapshot.domains['IT']).toEqual(itJson);
  });

  it('freezes the definitions', () => {
    const itDomain = domainOf(configuration.domains, 'IT');
    expect(Object.isFrozen(itDomain)).toBe(true);
    expect(Object.isFrozen(itDomain.workflow.transitions['NEW'])).toBe(true);
    expect(Object.isFrozen(itDomain.customFields[0])).toBe(true);
  });
});

describe('minimal fixture (camelCase)', () => {
  const configuration = loadDomainConfigurationFile(minimalPath);

  it('loads both domains', () => {
    expect([...configuration.domains.keys()]).toEqual(['IT', 'Gardening']);
    expect(configuration.global).toEqual({
      defaultDomain: 'IT',
      allowDomainSwitching: true,
      configReloadEnabled: true,
    });
  });

  it('reads states, types, labels and ui', () => {
    const itDomain = domainOf(configuration.domains, 'IT');
    expect(itDomain.workflow.states).toEqual([
      { code: 'Pending', name: 'Pending' },
      { code: 'InProgress', name: 'In Progress' },
      { code: 'Completed', name: 'Completed' },
    ]);
    expect(itDomain.workflow.transitions).toEqual({
      Pending: ['InProgress'],
      InProgress: ['Completed'],
      Completed: [],
    });
    const typeCodes = itDomain.workItemTypes.map((type) => type.code);
    expect(typeCodes).toEqual(['INCIDENT', 'SERVICE_REQUEST']);
    expect(itDomain.workItemTypes[0].defaultSlaDays).toBeUndefined();
    expect(itDomain.ui).toEqual({ label: 'IT Support', icon: 'bi-laptop', cssClass: 'theme-it' });

    const gardening = domainOf(configuration.domains, 'Gardening');
    expect(gardening.entityLabels).toEqual({
      workItem: 'Service Visit',
      workContainer: 'Property',
      workHandler: 'Gardener',
    });
    expect(gardening.workItemTypes).toEqual([]);
    expect(gardening.customFields).toEqual([]);
    expect(gardening.workflow.transitions).toEqual({ Scheduled: ['Done'], Done: [] });
    expect(gardening.extras).toEqual({});
  });
});

/** Rewrites the snake_case keys the engine reads into camelCase, leaving extras untouched. */
function toCamelCaseKeys(yaml: string): string {
  const keys = [
    'display_name',
    'entity_labels',
    'work_item_types',
    'work_item',
    'work_container',
    'work_handler',
    'default_sla_days',
    'custom_fields',
    'required_for_types',
    'required_for_priority',
    'transition_rules',
    'initial_state',
    'default_domain',
    'allow_domain_switching',
    'config_reload_enabled',
  ];
  let text = yaml;
  for (const key of keys) {
    const camel = key.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());
    text = text.replace(new RegExp(`^(\\s*)${key}:`, 'gm'), `$1${camel}:`);
  }
  return text;
}

describe('key spellings', () => {
  it('template gives the same structure in camelCase', () => {
    const snake = readFileSync(templatePath, 'utf8');
    const camel = toCamelCaseKeys(snake);
    expect(camel).not.toEqual(snake);
    expect(camel).not.toMatch(/^\s*work_item_types:/m);
    const fromSnake = parseDomainConfiguration(snake, 'snake.yaml');
    const fromCamel = parseDomainConfiguration(camel, 'camel.yaml');
    expect(fromCamel.snapshot).toEqual(fromSnake.snapshot);
    expect(fromCamel.global).toEqual(fromSnake.global);
    expect([...fromCamel.domains.entries()]).toEqual([...fromSnake.domains.entries()]);
  });

  it('roles and rules match in both spellings', () => {
    const snake = [
      'global:',
      '  default_domain: HR',
      '  allow_domain_switching: true',
      'domains:',
      '  HR:',
      '    display_name: People',
      '    work_item_types:',
      '      - { code: LEAVE, name: Leave, default_sla_days: 2 }',
      '    custom_fields:',
      '      - { name: days, label: Days, type: number, required_for_types: [LEAVE] }',
      '      - { name: reason, type: text, sensitive: true, required_for_priority: [High] }',
      '    roles:',
      '      - { code: Manager, display_name: Line manager, permissions: [tickets.transition] }',
      '    workflow:',
      '      initial_state: OPEN',
      '      states: [{ code: OPEN }, { code: APPROVED }]',
      '      transitions: { OPEN: [APPROVED] }',
      '      transition_rules:',
      '        - from: OPEN',
      '          to: APPROVED',
      '          conditions: [{ role: Manager }, { field: days, operator: "<=", value: 20 }]',
      '',
    ].join('\n');
    const camel = toCamelCaseKeys(snake)
      .replace('display_name: Line manager', 'displayName: Line manager')
      .replace('display_name: People', 'displayName: People')
      .replace('required_for_types', 'requiredForTypes')
      .replace('required_for_priority', 'requiredForPriority')
      .replace('default_sla_days', 'defaultSlaDays');
    expect(camel).not.toMatch(/[a-z]_[a-z]+:/);

    const fromSnake = parseDomainConfiguration(snake, 'snake.yaml');
    const fromCamel = parseDomainConfiguration(camel, 'camel.yaml');
    expect(fromCamel.snapshot).toEqual(fromSnake.snapshot);

    const hr = domainOf(fromSnake.domains, 'HR');
    expect(fromSnake.global).toEqual({
      defaultDomain: 'HR',
      allowDomainSwitching: true,
      configReloadEnabled: false,
    });
    expect(hr.roles).toEqual([
      { code: 'Manager', displayName: 'Line manager', permissions: ['tickets.transition'] },
    ]);
    expect(hr.customFields[0].requiredForTypes).toEqual(['LEAVE']);
    expect(hr.customFields[1].sensitive).toBe(true);
    expect(hr.customFields[1].requiredForPriority).toEqual(['High']);
    expect(hr.workflow.initialState).toBe('OPEN');
    expect(hr.workflow.transitionRules).toEqual([
      {
        from: 'OPEN',
        to: 'APPROVED',
        conditions: [
          { kind: 'role', roles: ['Manager'] },
          { kind: 'field', field: 'days', operator: '<=', value: 20 },
        ],
      },
    ]);
  });
});

describe('defaults', () => {
  it('default domain falls back to first', () => {
    const text = [
      'domains:',
      '  Legal:',
      '    workflow:',
      '      states: [OPEN]',
      '  IT:',
      '    workflow:',
      '      states: [NEW]',
      '',
    ].join('\n');
    const configuration = parseDomainConfiguration(text, 'masala.yaml');
    expect(configuration.global).toEqual({
      defaultDomain: 'Legal',
      allowDomainSwitching: false,
      configReloadEnabled: false,
    });
    const legal = domainOf(configuration.domains, 'Legal');
    expect(legal.displayName).toBe('Legal');
    expect(legal.description).toBe('');
    expect(legal.entityLabels).toEqual({
      workItem: 'Ticket',
      workContainer: 'Project',
      workHandler: 'Agent',
    });
    expect(legal.workflow.states).toEqual([{ code: 'OPEN', name: 'OPEN' }]);
    expect(legal.workflow.transitions).toEqual({ OPEN: [] });
  });
});

describe('version hash', () => {
  it('is the SHA-256 of the raw bytes', () => {
    const bytes = readFileSync(templatePath);
    const expected = createHash('sha256').update(bytes).digest('hex');
    expect(parseDomainConfiguration(bytes, 'a.yaml').version).toBe(expected);
    expect(parseDomainConfiguration(bytes.toString('utf8'), 'b.yaml').version).toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is stable across loads', () => {
    const first = loadDomainConfigurationFile(templatePath).version;
    const second = loadDomainConfigurationFile(templatePath).version;
    expect(second).toBe(first);
  });

  it('changes when bytes change', () => {
    const text = readFileSync(minimalPath, 'utf8');
    const original = parseDomainConfiguration(text, 'masala.yaml');
    const commented = parseDomainConfiguration(`${text}\n# reviewed\n`, 'masala.yaml');
    expect(commented.version).not.toBe(original.version);
    expect(commented.snapshot).toEqual(original.snapshot);
  });
});

describe('loadDomainConfigurationFile', () => {
  it('reports a missing file', () => {
    const path = fixture('does-not-exist.yaml');
    let thrown: unknown;
    try {
      loadDomainConfigurationFile(path);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainConfigurationError);
    const error = thrown as DomainConfigurationError;
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0].file).toBe(path);
    expect(error.message).toBe(`${path}: file not found`);
  });
});
