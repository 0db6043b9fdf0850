import { describe, expect, it } from '@jest/globals';
import {
  evaluateTransition,
  parseDomainConfiguration,
  type DomainDefinition,
  type TransitionRequest,
} from './index.js';

const SUPPORT_YAML = `
domains:
  Support:
    work_item_types:
      - { code: INCIDENT, name: Incident, default_sla_days: 2 }
      - { code: TASK, name: Task }
    custom_fields:
      - { name: resolution_code, type: select, options: [Fixed, WontFix] }
      - { name: systems, type: multi_select, options: [VPN, ERP] }
      - { name: review_date, type: date }
    roles:
      - { code: Approver, display_name: Change approver, permissions: [tickets.transition] }
    workflow:
      states: [NEW, IN_PROGRESS, ESCALATED, RESOLVED, CLOSED]
      transitions:
        NEW: [IN_PROGRESS, CLOSED]
        IN_PROGRESS: [ESCALATED, RESOLVED]
        ESCALATED: [RESOLVED]
        RESOLVED: [CLOSED]
      transition_rules:
        - from: IN_PROGRESS
          to: ESCALATED
          conditions:
            - { field: days_until_breach, operator: '<=', value: 1 }
        - from: IN_PROGRESS
          to: RESOLVED
          conditions:
            - { field: resolution_code, operator: is_not_empty }
        - from: RESOLVED
          to: CLOSED
          conditions:
            - { role: Approver }
            - { field: age_days, operator: '>=', value: 3 }
        - from: NEW
          to: CLOSED
          conditions:
            - { roles: [Admin, ComplianceOfficer] }
            - { field: systems, operator: '!=', value: ERP }
        - from: ESCALATED
          to: RESOLVED
          conditions:
            - { field: type, operator: '==', value: INCIDENT }
            - { field: review_date, operator: '<=', value: '2025-06-30' }
`;

const domain: DomainDefinition = (() => {
  const configured = parseDomainConfiguration(SUPPORT_YAML, 'support.yaml').domains.get('Support');
  if (configured === undefined) {
    throw new Error('Support domain not loaded');
  }
  return configured;
})();

const NOW = new Date('2025-06-01T12:00:00Z');
const DAY = 24 * 60 * 60 * 1000;

function request(
  from: string,
  to: string,
  overrides: {
    roles?: string[];
    customFields?: Record<string, unknown>;
    ageDays?: number;
    daysUntilBreach?: number | null;
    typeCode?: string;
  } = {},
): TransitionRequest {
  const breach = overrides.daysUntilBreach === undefined ? 5 : overrides.daysUntilBreach;
  return {
    from,
    to,
    roles: overrides.roles ?? ['Employee'],
    ticket: {
      typeCode: overrides.typeCode ?? 'INCIDENT',
      customFields: overrides.customFields ?? {},
      createdAt: new Date(NOW.getTime() - (overrides.ageDays ?? 0) * DAY),
      dueAt: breach === null ? null : new Date(NOW.getTime() + breach * DAY),
    },
    now: NOW,
  };
}

describe('evaluateTransition workflow', () => {
  it('allows a listed transition without rules', () => {
    expect(evaluateTransition(domain, request('NEW', 'IN_PROGRESS'))).toEqual({ allowed: true });
  });

  it('rejects a transition not in workflow', () => {
    expect(evaluateTransition(domain, request('NEW', 'RESOLVED'))).toEqual({
      allowed: false,
      reason: 'not_in_workflow',
      allowedStates: ['IN_PROGRESS'],
    });
  });

  it('lists states reachable by this actor', () => {
    const decision = evaluateTransition(domain, request('NEW', 'NEW', { roles: ['Admin'] }));
    expect(decision).toEqual({
      allowed: false,
      reason: 'not_in_workflow',
      allowedStates: ['IN_PROGRESS', 'CLOSED'],
    });
  });

  it('rejects an unknown source state', () => {
    expect(evaluateTransition(domain, request('ARCHIVED', 'NEW'))).toEqual({
      allowed: false,
      reason: 'not_in_workflow',
      allowedStates: [],
    });
  });

  it('ignores Object.prototype names', () => {
    for (const from of ['constructor', '__proto__', 'toString']) {
      expect(evaluateTransition(domain, request(from, 'NEW'))).toEqual({
        allowed: false,
        reason: 'not_in_workflow',
        allowedStates: [],
      });
    }
  });

  it('accepts constructor as a state code', () => {
    const text = [
      'domains:',
      '  Odd:',
      '    workflow:',
      '      states: [constructor, toString]',
      '      transitions: { constructor: [toString] }',
      '',
    ].join('\n');
    const odd = parseDomainConfiguration(text, 'odd.yaml').domains.get('Odd');
    expect(odd?.workflow.transitions).toEqual({ constructor: ['toString'], toString: [] });
    if (odd === undefined) return;
    const decision = evaluateTransition(odd, request('constructor', 'toString'));
    expect(decision).toEqual({ allowed: true });
  });

  it('treats a terminal state as final', () => {
    expect(evaluateTransition(domain, request('CLOSED', 'NEW'))).toEqual({
      allowed: false,
      reason: 'not_in_workflow',
      allowedStates: [],
    });
  });
});

describe('evaluateTransition field conditions', () => {
  it('days_until_breach above limit fails', () => {
    const decision = evaluateTransition(
      domain,
      request('IN_PROGRESS', 'ESCALATED', { daysUntilBreach: 2.5 }),
    );
    expect(decision).toEqual({
      allowed: false,
      reason: 'rule_failed',
      failedConditions: ['requires days_until_breach <= 1 (actual: 2.5)'],
      allowedStates: [],
    });
  });

  it('days_until_breach within limit passes', () => {
    for (const daysUntilBreach of [1, 0.5, 0, -3]) {
      const escalation = request('IN_PROGRESS', 'ESCALATED', { daysUntilBreach });
      const decision = evaluateTransition(domain, escalation);
      expect(decision).toEqual({ allowed: true });
    }
  });

  it('days_until_breach without due date fails', () => {
    const escalation = request('IN_PROGRESS', 'ESCALATED', { daysUntilBreach: null });
    const decision = evaluateTransition(domain, escalation);
    expect(decision).toEqual({
      allowed: false,
      reason: 'rule_failed',
      failedConditions: ['requires days_until_breach <= 1 (actual: empty)'],
      allowedStates: [],
    });
  });

  it('is_not_empty on a missing field fails', () => {
    const decision = evaluateTransition(domain, request('IN_PROGRESS', 'RESOLVED'));
    expect(decision).toEqual({
      allowed: false,
      reason: 'rule_failed',
      failedConditions: ['requires resolution_code is_not_empty (actual: empty)'],
      allowedStates: [],
    });
  });

  it('is_not_empty on a filled field passes', () => {
    const customFields = { resolution_code: 'Fixed' };
    const filled = request('IN_PROGRESS', 'RESOLVED', { customFields });
    expect(evaluateTransition(domain, filled)).toEqual({ allowed: true });
  });

  it('multi_select != checks membership', () => {
    const roles = ['ComplianceOfficer'];
    const withErp = request('NEW', 'CLOSED', { roles, customFields: { systems: ['VPN', 'ERP'] } });
    expect(evaluateTransition(domain, withErp)).toEqual({
      allowed: false,
      reason: 'rule_failed',
      failedConditions: ['requires systems != "ERP" (actual: ["VPN","ERP"])'],
      allowedStates: ['IN_PROGRESS'],
    });
    const withoutErp = request('NEW', 'CLOSED', { roles, customFields: { systems: ['VPN'] } });
    expect(evaluateTransition(domain, withoutErp)).toEqual({ allowed: true });
  });

  it('type and date conditions', () => {
    const early = request('ESCALATED', 'RESOLVED', { customFields: { review_date: '2025-06-30' } });
    expect(evaluateTransition(domain, early)).toEqual({ allowed: true });
    const late = request('ESCALATED', 'RESOLVED', {
      typeCode: 'TASK',
      customFields: { review_date: '2025-07-01' },
    });
    expect(evaluateTransition(domain, late)).toEqual({
      allowed: false,
      reason: 'rule_failed',
      failedConditions: [
        'requires type == "INCIDENT" (actual: "TASK")',
        'requires review_date <= "2025-06-30" (actual: "2025-07-01")',
      ],
      allowedStates: [],
    });
  });
});

describe('evaluateTransition role conditions', () => {
  it('reports every failed condition', () => {
    const decision = evaluateTransition(domain, request('RESOLVED', 'CLOSED', { ageDays: 1 }));
    expect(decision).toEqual({
      allowed: false,
      reason: 'rule_failed',
      failedConditions: ['requires role Approver', 'requires age_days >= 3 (actual: 1)'],
      allowedStates: [],
    });
  });

  it('role alone is not enough', () => {
    const closing = request('RESOLVED', 'CLOSED', { roles: ['Approver'], ageDays: 2.99 });
    const decision = evaluateTransition(domain, closing);
    expect(decision).toEqual({
      allowed: false,
      reason: 'rule_failed',
      failedConditions: ['requires age_days >= 3 (actual: 2.99)'],
      allowedStates: [],
    });
  });

  it('role and age together pass', () => {
    for (const ageDays of [3, 10]) {
      const closing = request('RESOLVED', 'CLOSED', { roles: ['Approver'], ageDays });
      const decision = evaluateTransition(domain, closing);
      expect(decision).toEqual({ allowed: true });
    }
  });

  it('roles list accepts any listed role', () => {
    const asAdmin = request('NEW', 'CLOSED', { roles: ['Employee', 'Admin'] });
    expect(evaluateTransition(domain, asAdmin)).toEqual({ allowed: true });
    const asCustomer = request('NEW', 'CLOSED', { roles: ['Customer'] });
    expect(evaluateTransition(domain, asCustomer)).toEqual({
      allowed: false,
      reason: 'rule_failed',
      failedConditions: ['requires one of roles Admin, ComplianceOfficer'],
      allowedStates: ['IN_PROGRESS'],
    });
  });
});
