import type {
  DomainDefinition,
  FieldCondition,
  TransitionCondition,
  TransitionDecision,
  TransitionRequest,
} from './types.js';
import { isEmptyValue, MILLISECONDS_PER_DAY } from './values.js';

/**
 * Decides whether a ticket may move from `request.from` to `request.to`. The move must be
 * listed in the workflow transitions, and every condition of every rule for that move must
 * be met. `allowedStates` lists the targets from `request.from` that this request could reach.
 */
export function evaluateTransition(
  domain: DomainDefinition,
  request: TransitionRequest,
): TransitionDecision {
  const targets = targetsFrom(domain, request.from);
  const allowedStates = targets.filter((to) => failedConditions(domain, request, to).length === 0);
  if (!targets.includes(request.to)) {
    return { allowed: false, reason: 'not_in_workflow', allowedStates };
  }
  const failed = failedConditions(domain, request, request.to);
  if (failed.length > 0) {
    return { allowed: false, reason: 'rule_failed', failedConditions: failed, allowedStates };
  }
  return { allowed: true };
}

/** Formats a condition for people, for example `age_days >= 3` or `role ComplianceOfficer`. */
export function describeCondition(condition: TransitionCondition): string {
  if (condition.kind === 'role') {
    return condition.roles.length === 1
      ? `role ${condition.roles[0]}`
      : `one of roles ${condition.roles.join(', ')}`;
  }
  if (condition.value === undefined) {
    return `${condition.field} ${condition.operator}`;
  }
  return `${condition.field} ${condition.operator} ${JSON.stringify(condition.value)}`;
}

/** Returns the workflow targets of `from`, or [] for an unknown state such as `constructor`. */
function targetsFrom(domain: DomainDefinition, from: string): readonly string[] {
  const { transitions } = domain.workflow;
  return Object.hasOwn(transitions, from) ? transitions[from] : [];
}

function failedConditions(
  domain: DomainDefinition,
  request: TransitionRequest,
  to: string,
): string[] {
  const failed: string[] = [];
  for (const rule of domain.workflow.transitionRules) {
    if (rule.from !== request.from || rule.to !== to) {
      continue;
    }
    for (const condition of rule.conditions) {
      if (condition.kind === 'role') {
        if (!condition.roles.some((role) => request.roles.includes(role))) {
          failed.push(`requires ${describeCondition(condition)}`);
        }
        continue;
      }
      const actual = readField(condition.field, request);
      if (!isConditionMet(condition, actual)) {
        failed.push(`requires ${describeCondition(condition)} (actual: ${formatActual(actual)})`);
      }
    }
  }
  return failed;
}

/**
 * Reads the value a condition tests. `days_until_breach` is the time left until `dueAt`
 * and `age_days` the time since `createdAt`, both in fractional days and not rounded.
 */
function readField(field: string, request: TransitionRequest): unknown {
  const { ticket, now } = request;
  switch (field) {
    case 'days_until_breach':
      return ticket.dueAt === null
        ? undefined
        : (ticket.dueAt.getTime() - now.getTime()) / MILLISECONDS_PER_DAY;
    case 'age_days':
      return (now.getTime() - ticket.createdAt.getTime()) / MILLISECONDS_PER_DAY;
    case 'type':
      return ticket.typeCode;
    case 'priority':
      return ticket.priority;
    default:
      return Object.hasOwn(ticket.customFields, field) ? ticket.customFields[field] : undefined;
  }
}

/**
 * Applies the operator. On a list value (multi_select), `==` means the list contains the
 * operand and `!=` that it does not. Ordering operators compare numbers, or `YYYY-MM-DD`
 * strings, and fail on an absent value.
 */
function isConditionMet(condition: FieldCondition, actual: unknown): boolean {
  const expected = condition.value;
  switch (condition.operator) {
    case 'is_empty':
      return isEmptyValue(actual);
    case 'is_not_empty':
      return !isEmptyValue(actual);
    case '==':
      return Array.isArray(actual) ? actual.includes(expected) : actual === expected;
    case '!=':
      return Array.isArray(actual) ? !actual.includes(expected) : actual !== expected;
    default: {
      const order = compare(actual, expected);
      if (order === undefined) {
        return false;
      }
      switch (condition.operator) {
        case '>':
          return order > 0;
        case '>=':
          return order >= 0;
        case '<':
          return order < 0;
        case '<=':
          return order <= 0;
      }
    }
  }
}

function compare(actual: unknown, expected: unknown): number | undefined {
  if (typeof actual === 'number' && typeof expected === 'number' && !Number.isNaN(actual)) {
    return actual - expected;
  }
  if (typeof actual === 'string' && typeof expected === 'string') {
    // Parsing accepts ordering operators on strings only for date fields with a `YYYY-MM-DD`
    // operand, so text order is date order for validated values.
    if (actual === expected) {
      return 0;
    }
    return actual < expected ? -1 : 1;
  }
  return undefined;
}

function formatActual(actual: unknown): string {
  if (isEmptyValue(actual)) {
    return 'empty';
  }
  if (typeof actual === 'number') {
    return String(Math.round(actual * 100) / 100);
  }
  return JSON.stringify(actual);
}
