import type { ConfigReader, Entry } from './reader.js';
import {
  BUILT_IN_ROLES,
  CONDITION_OPERATORS,
  TICKET_FIELDS,
  VIRTUAL_FIELDS,
  type ConditionOperator,
  type CustomFieldDefinition,
  type FieldCondition,
  type TransitionCondition,
} from './types.js';
import { isCalendarDate } from './values.js';

const ORDERING_OPERATORS: readonly ConditionOperator[] = ['>', '>=', '<', '<='];
const EMPTINESS_OPERATORS: readonly ConditionOperator[] = ['is_empty', 'is_not_empty'];

/** Domain states, transitions, fields and roles that a transition rule may reference. */
export interface RuleContext {
  reader: ConfigReader;
  codes: ReadonlySet<string>;
  transitions: Readonly<Record<string, readonly string[]>>;
  fields: ReadonlyMap<string, CustomFieldDefinition>;
  roles: ReadonlySet<string>;
}

/** Builds one rule condition, or returns undefined after reporting why it is invalid. */
export function normalizeCondition(
  context: RuleContext,
  item: Entry,
): TransitionCondition | undefined {
  const { reader } = context;
  const raw = reader.mapping(item);
  if (raw === undefined) {
    return undefined;
  }
  const roleEntry = reader.entry(raw, item.path, 'role');
  const rolesEntry = reader.entry(raw, item.path, 'roles');
  const fieldEntry = reader.entry(raw, item.path, 'field');
  const kinds = [roleEntry, rolesEntry, fieldEntry].filter((entry) => entry.present);
  if (kinds.length !== 1) {
    reader.report(item.path, 'condition needs exactly one of field, role or roles');
    return undefined;
  }

  if (!fieldEntry.present) {
    reader.rejectUnknownKeys(raw, item.path, roleEntry.present ? ['role'] : ['roles']);
    const roles = roleEntry.present
      ? [reader.requiredString(roleEntry)].filter((role) => role !== undefined)
      : reader.stringList(rolesEntry);
    const rolePath = roleEntry.present ? roleEntry.path : rolesEntry.path;
    const unknown = roles.filter((role) => !context.roles.has(role));
    for (const role of unknown) {
      const builtIn = BUILT_IN_ROLES.join(', ');
      reader.report(rolePath, `unknown role '${role}' (define it under roles or use ${builtIn})`);
    }
    if (roles.length === 0 || unknown.length > 0) {
      return undefined;
    }
    return { kind: 'role', roles };
  }

  reader.rejectUnknownKeys(raw, item.path, ['field', 'operator', 'value']);
  const field = reader.requiredString(fieldEntry);
  const operatorEntry = reader.entry(raw, item.path, 'operator');
  const operator = reader.requiredString(operatorEntry);
  if (field === undefined || operator === undefined) {
    return undefined;
  }
  if (!isOperator(operator)) {
    const expected = CONDITION_OPERATORS.join(' ');
    const message = `unknown operator '${operator}' (expected one of ${expected})`;
    reader.report(operatorEntry.path, message);
    return undefined;
  }
  const valueEntry = reader.entry(raw, item.path, 'value');
  const condition: FieldCondition = { kind: 'field', field, operator };
  if (valueEntry.present) {
    condition.value = valueEntry.value;
  }
  const problem = checkFieldCondition(context, condition, valueEntry.present);
  if (problem !== undefined) {
    reader.report(problem.onValue ? valueEntry.path : fieldEntry.path, problem.message);
    return undefined;
  }
  return condition;
}

/** Checks that the field exists and that the operand suits the operator and the field type. */
function checkFieldCondition(
  context: RuleContext,
  condition: FieldCondition,
  hasValue: boolean,
): { onValue: boolean; message: string } | undefined {
  const { field, operator, value } = condition;
  const isVirtual = (VIRTUAL_FIELDS as readonly string[]).includes(field);
  const isTicketField = (TICKET_FIELDS as readonly string[]).includes(field);
  const definition = context.fields.get(field);
  if (!isVirtual && !isTicketField && definition === undefined) {
    const builtIns = [...VIRTUAL_FIELDS, ...TICKET_FIELDS].join(', ');
    const message = `unknown field '${field}' (expected a custom field or ${builtIns})`;
    return { onValue: false, message };
  }
  if (EMPTINESS_OPERATORS.includes(operator)) {
    if (!hasValue) {
      return undefined;
    }
    return { onValue: true, message: `operator ${operator} takes no value (remove value)` };
  }
  if (!hasValue || value === null) {
    return { onValue: true, message: `missing value for operator ${operator}` };
  }

  const numeric = isVirtual || definition?.type === 'number' || definition?.type === 'currency';
  if (numeric && typeof value !== 'number') {
    return { onValue: true, message: `must be a number for field '${field}'` };
  }
  if (definition?.type === 'date' && !(typeof value === 'string' && isCalendarDate(value))) {
    return { onValue: true, message: `must be a date as YYYY-MM-DD for field '${field}'` };
  }
  if (ORDERING_OPERATORS.includes(operator) && !numeric && definition?.type !== 'date') {
    const message = `operator ${operator} needs a number, currency or date field`;
    return { onValue: false, message };
  }
  if (definition?.type === 'boolean' && typeof value !== 'boolean') {
    return { onValue: true, message: `must be true or false for field '${field}'` };
  }
  if (definition?.options !== undefined && !definition.options.includes(String(value))) {
    return { onValue: true, message: `'${String(value)}' is not an option of field '${field}'` };
  }
  return undefined;
}

function isOperator(value: string): value is ConditionOperator {
  return (CONDITION_OPERATORS as readonly string[]).includes(value);
}
