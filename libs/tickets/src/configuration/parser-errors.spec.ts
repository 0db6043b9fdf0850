import { describe, expect, it } from '@jest/globals';
import { DomainConfigurationError, parseDomainConfiguration } from './index.js';

/** Valid configuration. Cases below replace numbered lines (1-based) to break it. */
const BASE = [
  /*  1 */ 'global:',
  /*  2 */ '  default_domain: IT',
  /*  3 */ 'domains:',
  /*  4 */ '  IT:',
  /*  5 */ '    display_name: IT Support',
  /*  6 */ '    work_item_types:',
  /*  7 */ '      - code: INCIDENT',
  /*  8 */ '        name: Incident',
  /*  9 */ '        default_sla_days: 1',
  /* 10 */ '      - code: CHANGE',
  /* 11 */ '        name: Change',
  /* 12 */ '    custom_fields:',
  /* 13 */ '      - name: urgency',
  /* 14 */ '        type: select',
  /* 15 */ '        options: [Low, High]',
  /* 16 */ '      - name: cost',
  /* 17 */ '        type: number',
  /* 18 */ '        min: 0',
  /* 19 */ '        max: 100',
  /* 20 */ '    roles:',
  /* 21 */ '      - code: Approver',
  /* 22 */ '        permissions: [tickets.transition]',
  /* 23 */ '    workflow:',
  /* 24 */ '      states:',
  /* 25 */ '        - code: NEW',
  /* 26 */ '        - code: DONE',
  /* 27 */ '        - code: CLOSED',
  /* 28 */ '      transitions:',
  /* 29 */ '        NEW: [DONE]',
  /* 30 */ '        DONE: [CLOSED]',
  /* 31 */ '      transition_rules:',
  /* 32 */ '        - from: NEW',
  /* 33 */ '          to: DONE',
  /* 34 */ '          conditions:',
  /* 35 */ '            - role: Approver',
  /* 36 */ '            - field: cost',
  /* 37 */ "              operator: '>='",
  /* 38 */ '              value: 10',
];

/** Returns BASE with the given 1-based lines replaced. A replacement may span several lines. */
function withLines(replacements: Record<number, string>): string {
  const lines = BASE.map((line, index) => replacements[index + 1] ?? line);
  return `${lines.join('\n')}\n`;
}

/** Parses `text` and returns the error message, failing the test when parsing succeeds. */
function errorMessage(text: string | Buffer): string {
  try {
    parseDomainConfiguration(text, 'masala.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(DomainConfigurationError);
    return (error as DomainConfigurationError).message;
  }
  throw new Error('expected parseDomainConfiguration to throw');
}

describe('parseDomainConfiguration errors', () => {
  it('base configuration is valid', () => {
    const configuration = parseDomainConfiguration(withLines({}), 'masala.yaml');
    expect(configuration.domains.get('IT')?.workflow.transitionRules).toHaveLength(1);
  });

  const cases: [string, string | Buffer, string[]][] = [
    [
      'YAML syntax error',
      withLines({ 15: '        options: [Low, High' }),
      ['masala.yaml:16: invalid YAML: deficient indentation'],
    ],
    [
      'duplicate YAML key',
      withLines({ 15: '        type: text' }),
      ['masala.yaml:15: invalid YAML: duplicated mapping key'],
    ],
    [
      'second YAML document',
      `${withLines({})}---\ndomains: {}\n`,
      ['masala.yaml:40: invalid YAML: expected a single YAML document, but found more'],
    ],
    [
      'empty file',
      '# nothing here\n',
      ['masala.yaml: the file contains no YAML document (expected a domains mapping)'],
    ],
    [
      'invalid UTF-8',
      Buffer.from([0x64, 0x6f, 0x6d, 0xff, 0x3a]),
      ['masala.yaml: the file is not valid UTF-8'],
    ],
    [
      'root is a list',
      '- IT\n- HR\n',
      ['masala.yaml:1: the file must contain a mapping with a domains key, got a list'],
    ],
    [
      'duplicate state code',
      withLines({ 27: '        - code: DONE' }),
      [
        "masala.yaml:27: domains.IT.workflow.states[2].code: duplicate state code 'DONE' (first defined on line 26)",
        'masala.yaml:30: domains.IT.workflow.transitions.DONE[0]: transition to unknown state "CLOSED" (defined states: NEW, DONE)',
      ],
    ],
    [
      'transition from unknown state',
      withLines({ 30: '        OPEN: [CLOSED]' }),
      [
        "masala.yaml:30: domains.IT.workflow.transitions.OPEN: transition from unknown state 'OPEN' (defined states: NEW, DONE, CLOSED)",
      ],
    ],
    [
      'transition to unknown state',
      withLines({ 29: '        NEW: [DONE, REOPENED]' }),
      [
        'masala.yaml:29: domains.IT.workflow.transitions.NEW[1]: transition to unknown state "REOPENED" (defined states: NEW, DONE, CLOSED)',
      ],
    ],
    [
      'duplicate transition target',
      withLines({ 29: '        NEW: [DONE, DONE]' }),
      [
        "masala.yaml:29: domains.IT.workflow.transitions.NEW[1]: duplicate transition from 'NEW' to 'DONE'",
      ],
    ],
    [
      'rule with unknown state',
      withLines({ 33: '          to: ARCHIVED' }),
      [
        "masala.yaml:33: domains.IT.workflow.transition_rules[0].to: transition rule references unknown state 'ARCHIVED' (defined states: NEW, DONE, CLOSED)",
      ],
    ],
    [
      'rule without matching transition',
      withLines({ 33: '          to: CLOSED' }),
      [
        'masala.yaml:32: domains.IT.workflow.transition_rules[0]: rule for NEW -> CLOSED has no matching entry in transitions',
      ],
    ],
    [
      'rule without conditions',
      withLines({ 34: '          conditions: []', 35: '', 36: '', 37: '', 38: '' }),
      [
        'masala.yaml:34: domains.IT.workflow.transition_rules[0].conditions: missing conditions (list at least one condition)',
      ],
    ],
    [
      'select without options',
      withLines({ 15: '        required: true' }),
      [
        'masala.yaml:13: domains.IT.custom_fields[0].options: missing options (a select field needs a list of options)',
      ],
    ],
    [
      'multi_select with empty options',
      withLines({ 14: '        type: multi_select', 15: '        options: []' }),
      [
        'masala.yaml:15: domains.IT.custom_fields[0].options: empty options (a multi_select field needs at least one option)',
      ],
    ],
    [
      'options on a text field',
      withLines({ 14: '        type: text' }),
      [
        'masala.yaml:15: domains.IT.custom_fields[0].options: options apply only to select and multi_select fields',
      ],
    ],
    [
      'unknown field type',
      withLines({ 14: '        type: textarea' }),
      [
        "masala.yaml:14: domains.IT.custom_fields[0].type: unknown field type 'textarea' (expected one of text, number, select, multi_select, date, boolean, currency)",
      ],
    ],
    [
      'duplicate field name',
      withLines({ 16: '      - name: urgency' }),
      [
        "masala.yaml:16: domains.IT.custom_fields[1].name: duplicate field name 'urgency' (first defined on line 13)",
        "masala.yaml:36: domains.IT.workflow.transition_rules[0].conditions[1].field: unknown field 'cost' (expected a custom field or days_until_breach, age_days, type, priority)",
      ],
    ],
    [
      'reserved field name',
      withLines({ 13: '      - name: age_days' }),
      [
        "masala.yaml:13: domains.IT.custom_fields[0].name: field name 'age_days' is reserved for transition conditions",
      ],
    ],
    [
      'prototype field name',
      withLines({ 13: '      - name: __proto__' }),
      [
        "masala.yaml:13: domains.IT.custom_fields[0].name: field name '__proto__' is not allowed (reserved by JavaScript)",
      ],
    ],
    [
      'misspelled field key',
      withLines({ 19: '        maximum: 100' }),
      [
        'masala.yaml:19: domains.IT.custom_fields[1].maximum: unknown key (expected one of name, label, type, options, min, max, required, required_for_types, required_for_priority, sensitive)',
      ],
    ],
    [
      'required_for_types with unknown type',
      withLines({ 15: '        options: [Low, High]\n        required_for_types: [OUTAGE]' }),
      [
        'masala.yaml:16: domains.IT.custom_fields[0].required_for_types[0]: unknown work item type "OUTAGE"',
      ],
    ],
    [
      'duplicate type code',
      withLines({ 10: '      - code: INCIDENT' }),
      [
        "masala.yaml:10: domains.IT.work_item_types[1].code: duplicate work item type code 'INCIDENT' (first defined on line 7)",
      ],
    ],
    [
      'negative SLA',
      withLines({ 9: '        default_sla_days: -2' }),
      [
        'masala.yaml:9: domains.IT.work_item_types[0].default_sla_days: must not be negative, got -2',
      ],
    ],
    [
      'default domain not defined',
      withLines({ 2: '  default_domain: HR' }),
      [
        "masala.yaml:2: global.default_domain: default domain 'HR' is not defined under domains (defined: IT)",
      ],
    ],
    [
      'global flag not a boolean',
      withLines({ 2: '  default_domain: IT\n  allow_domain_switching: "yes"' }),
      ["masala.yaml:3: global.allow_domain_switching: must be true or false, got the string 'yes'"],
    ],
    [
      'missing workflow states',
      'domains:\n  IT:\n    workflow:\n      transitions: {}\n',
      [
        'masala.yaml:3: domains.IT.workflow.states: missing workflow states (list at least one state)',
      ],
    ],
    [
      'empty workflow states',
      'domains:\n  IT:\n    workflow:\n      states: []\n',
      [
        'masala.yaml:4: domains.IT.workflow.states: empty workflow states (list at least one state)',
      ],
    ],
    [
      'missing workflow',
      'domains:\n  IT:\n    display_name: IT\n',
      ['masala.yaml:2: domains.IT.workflow: missing workflow (a domain needs workflow.states)'],
    ],
    [
      'unknown initial state',
      withLines({ 24: '      initial_state: START\n      states:' }),
      [
        "masala.yaml:24: domains.IT.workflow.initial_state: unknown state 'START' (defined states: NEW, DONE, CLOSED)",
      ],
    ],
    [
      'value on is_empty',
      withLines({ 37: '              operator: is_empty' }),
      [
        'masala.yaml:38: domains.IT.workflow.transition_rules[0].conditions[1].value: operator is_empty takes no value (remove value)',
      ],
    ],
    [
      'empty domains',
      'domains: {}\n',
      ['masala.yaml:1: domains: empty domains (define at least one domain)'],
    ],
    [
      'missing domains',
      'global:\n  default_domain: IT\n',
      ['masala.yaml:1: domains: missing domains (define at least one domain)'],
    ],
    [
      'number min above max',
      withLines({ 18: '        min: 500' }),
      ['masala.yaml:18: domains.IT.custom_fields[1].min: min (500) is greater than max (100)'],
    ],
    [
      'min on a currency field',
      withLines({ 17: '        type: currency', 19: '        label: Cost' }),
      ['masala.yaml:18: domains.IT.custom_fields[1].min: min applies only to number fields'],
    ],
    [
      'unknown operator',
      withLines({ 37: "              operator: '=~'" }),
      [
        "masala.yaml:37: domains.IT.workflow.transition_rules[0].conditions[1].operator: unknown operator '=~' (expected one of == != > >= < <= is_empty is_not_empty)",
      ],
    ],
    [
      'condition value of wrong type',
      withLines({ 38: '              value: high' }),
      [
        "masala.yaml:38: domains.IT.workflow.transition_rules[0].conditions[1].value: must be a number for field 'cost'",
      ],
    ],
    [
      'comparison without a value',
      withLines({ 38: '' }),
      [
        'masala.yaml:36: domains.IT.workflow.transition_rules[0].conditions[1].value: missing value for operator >=',
      ],
    ],
    [
      'select condition with unlisted option',
      withLines({
        36: '            - field: urgency',
        37: "              operator: '=='",
        38: '              value: Medium',
      }),
      [
        "masala.yaml:38: domains.IT.workflow.transition_rules[0].conditions[1].value: 'Medium' is not an option of field 'urgency'",
      ],
    ],
    [
      'ordering operator on a select field',
      withLines({ 36: '            - field: urgency', 38: '              value: Low' }),
      [
        'masala.yaml:36: domains.IT.workflow.transition_rules[0].conditions[1].field: operator >= needs a number, currency or date field',
      ],
    ],
    [
      'role condition with undefined role',
      withLines({ 35: '            - role: Auditor' }),
      [
        "masala.yaml:35: domains.IT.workflow.transition_rules[0].conditions[0].role: unknown role 'Auditor' (define it under roles or use Admin, Employee, Customer, ComplianceOfficer)",
      ],
    ],
    [
      'condition with role and field',
      withLines({ 35: '            - role: Approver\n              field: cost' }),
      [
        'masala.yaml:35: domains.IT.workflow.transition_rules[0].conditions[0]: condition needs exactly one of field, role or roles',
      ],
    ],
    [
      'rules outside workflow',
      withLines({ 5: '    display_name: IT Support\n    transition_rules: []' }),
      [
        'masala.yaml:6: domains.IT.transition_rules: must be placed under workflow, or its rules are ignored',
      ],
    ],
    [
      'duplicate role code',
      withLines({ 22: '        permissions: [tickets.transition]\n      - code: Approver' }),
      [
        "masala.yaml:23: domains.IT.roles[1].code: duplicate role code 'Approver' (first defined on line 21)",
      ],
    ],
    [
      'domain role with built-in code',
      withLines({ 21: '      - code: Admin' }),
      [
        "masala.yaml:21: domains.IT.roles[0].code: role 'Admin' is built in (choose another code)",
        "masala.yaml:35: domains.IT.workflow.transition_rules[0].conditions[0].role: unknown role 'Approver' (define it under roles or use Admin, Employee, Customer, ComplianceOfficer)",
      ],
    ],
    [
      'invalid permission',
      withLines({ 22: '        permissions: [Tickets Create]' }),
      [
        'masala.yaml:22: domains.IT.roles[0].permissions[0]: invalid permission "Tickets Create" (expected resource.action)',
      ],
    ],
    [
      'both spellings of one key',
      withLines({ 5: '    display_name: IT Support\n    displayName: IT' }),
      [
        'masala.yaml:6: domains.IT.displayName: same key as display_name in another spelling (keep only one)',
      ],
    ],
    [
      'unknown top-level key',
      `${withLines({})}settings: {}\n`,
      ['masala.yaml:39: settings: unknown key (expected one of domains, global)'],
    ],
    [
      'invalid domain id',
      withLines({ 2: '  default_domain: "IT support"', 4: '  IT support:' }),
      [
        "masala.yaml:4: domains.IT support: invalid domain id 'IT support' (use letters, digits, _ or -)",
      ],
    ],
  ];

  it.each(cases)('%s', (_name, text, expected) => {
    expect(errorMessage(text).split('\n')).toEqual(expected);
  });

  it('collects all problems before throwing', () => {
    const text = withLines({
      2: '  default_domain: HR',
      14: '        type: textarea',
      27: '        - code: DONE',
      30: '        DONE: []',
      37: "              operator: '=~'",
    });
    let thrown: unknown;
    try {
      parseDomainConfiguration(text, 'config/masala.yaml');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainConfigurationError);
    const problems = (thrown as DomainConfigurationError).problems;
    expect(problems.map((problem) => problem.line)).toEqual([2, 14, 27, 37]);
    expect(problems.map((problem) => problem.key)).toEqual([
      'global.default_domain',
      'domains.IT.custom_fields[0].type',
      'domains.IT.workflow.states[2].code',
      'domains.IT.workflow.transition_rules[0].conditions[1].operator',
    ]);
    expect(problems.every((problem) => problem.file === 'config/masala.yaml')).toBe(true);
    expect((thrown as Error).message).not.toMatch(/\n\s+at /);
  });

  it('names camelCase keys as written', () => {
    const text = [
      'domains:',
      '  IT:',
      '    workItemTypes:',
      '      - code: INCIDENT',
      '      - code: INCIDENT',
      '    workflow:',
      '      states: [NEW]',
      '',
    ].join('\n');
    expect(errorMessage(text)).toBe(
      "masala.yaml:5: domains.IT.workItemTypes[1].code: duplicate work item type code 'INCIDENT' (first defined on line 4)",
    );
  });

  it('accepts built-in roles in conditions', () => {
    const text = withLines({ 35: '            - role: ComplianceOfficer' });
    const rule = parseDomainConfiguration(text, 'masala.yaml').domains.get('IT')?.workflow
      .transitionRules[0];
    expect(rule?.conditions[0]).toEqual({ kind: 'role', roles: ['ComplianceOfficer'] });
  });

  it('accepts camelCase transitionRules', () => {
    const text = withLines({ 31: '      transitionRules:' });
    const rules = parseDomainConfiguration(text, 'masala.yaml').domains.get('IT')?.workflow
      .transitionRules;
    expect(rules).toHaveLength(1);
  });
});
