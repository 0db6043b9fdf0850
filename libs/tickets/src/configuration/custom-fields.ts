import type {
  CustomFieldDefinition,
  CustomFieldInput,
  DomainDefinition,
  FieldViolation,
  FieldViolationRule,
} from './types.js';
import {
  hasAtMostTwoDecimals,
  isCalendarDate,
  isEmptyValue,
  MAX_CURRENCY_AMOUNT,
} from './values.js';

export interface NormalizedCustomFields {
  /**
   * Valid values keyed by field name. Text is trimmed. An empty value is left out, except
   * with `partial` where it is kept as null so the caller can clear the stored value.
   */
  values: Record<string, unknown>;
  violations: FieldViolation[];
}

/** Checks custom field values against the domain and returns every violation found. */
export function validateCustomFields(
  domain: DomainDefinition,
  input: CustomFieldInput,
): FieldViolation[] {
  return normalizeCustomFieldValues(domain, input).violations;
}

/**
 * Validates custom field values and returns them in stored form.
 *
 * Value formats: `text` is a string, `number` a finite number within min and max, `select`
 * one of the options, `multi_select` a list of distinct options, `date` a calendar date as
 * `YYYY-MM-DD`, `boolean` true or false. `currency` is a plain non-negative number of major
 * units (such as euros) with at most two decimals, and carries no currency code.
 *
 * A field is required when `required` is set, when the ticket type is in `requiredForTypes`,
 * or when the priority is in `requiredForPriority` (ignoring case). With `partial`, only the
 * given keys are checked, so a PATCH that changes the type or priority must be checked
 * against the merged values without `partial`.
 */
export function normalizeCustomFieldValues(
  domain: DomainDefinition,
  input: CustomFieldInput,
): NormalizedCustomFields {
  const violations: FieldViolation[] = [];
  const values: Record<string, unknown> = {};
  const inputValues = input.values ?? {};
  if (typeof inputValues !== 'object' || inputValues === null || Array.isArray(inputValues)) {
    const message = 'customFields must be an object keyed by field name';
    return { values, violations: [{ field: 'customFields', rule: 'type', message }] };
  }

  const definitions = new Map(domain.customFields.map((field) => [field.name, field]));
  for (const name of Object.keys(inputValues)) {
    if (!definitions.has(name)) {
      const known = domain.customFields.map((field) => field.name).join(', ') || 'none';
      violations.push({
        field: `customFields.${name}`,
        rule: 'unknown_field',
        message: `unknown custom field '${name}' for domain ${domain.id} (known fields: ${known})`,
      });
    }
  }

  for (const definition of domain.customFields) {
    const isGiven = Object.hasOwn(inputValues, definition.name);
    if (input.partial === true && !isGiven) {
      continue;
    }
    const value: unknown = isGiven ? inputValues[definition.name] : undefined;
    const field = `customFields.${definition.name}`;
    if (isEmptyValue(value)) {
      if (isRequired(definition, input)) {
        const message = `${definition.label} (${definition.name}) is required`;
        violations.push({ field, rule: 'required', message });
      } else if (input.partial === true) {
        values[definition.name] = null;
      }
      continue;
    }
    const checked = checkValue(definition, value);
    if (Array.isArray(checked)) {
      violations.push(...checked.map((problem) => ({ field, ...problem })));
    } else {
      values[definition.name] = checked.value;
    }
  }
  return { values, violations };
}

function isRequired(definition: CustomFieldDefinition, input: CustomFieldInput): boolean {
  if (definition.required || definition.requiredForTypes.includes(input.typeCode)) {
    return true;
  }
  const { priority } = input;
  return priority !== undefined && matchesPriority(definition.requiredForPriority, priority);
}

/** Compares priorities ignoring case, so `High` in the file matches a stored `high`. */
function matchesPriority(priorities: readonly string[], priority: string): boolean {
  const requested = priority.toLowerCase();
  return priorities.some((candidate) => candidate.toLowerCase() === requested);
}

interface ValueProblem {
  rule: FieldViolationRule;
  message: string;
}

/** Returns the stored form of a non-empty value, or the problems that reject it. */
function checkValue(
  definition: CustomFieldDefinition,
  value: unknown,
): { value: unknown } | ValueProblem[] {
  const name = definition.name;
  const got = showValue(definition, value);
  switch (definition.type) {
    case 'text':
      return typeof value === 'string'
        ? { value: value.trim() }
        : [{ rule: 'type', message: `${name} must be a string, got ${got}` }];

    case 'boolean':
      return typeof value === 'boolean'
        ? { value }
        : [{ rule: 'type', message: `${name} must be true or false, got ${got}` }];

    case 'date':
      return typeof value === 'string' && isCalendarDate(value)
        ? { value }
        : [{ rule: 'type', message: `${name} must be a calendar date as YYYY-MM-DD, got ${got}` }];

    case 'number':
      return checkNumber(definition, value);

    case 'currency':
      return checkCurrency(definition, value);

    case 'select': {
      const options = definition.options ?? [];
      if (typeof value !== 'string') {
        return [{ rule: 'type', message: `${name} must be a string option, got ${got}` }];
      }
      return options.includes(value)
        ? { value }
        : [{ rule: 'option', message: `${name} must be one of ${options.join(', ')}, got ${got}` }];
    }

    case 'multi_select':
      return checkMultiSelect(definition, value);
  }
}

function checkNumber(
  definition: CustomFieldDefinition,
  value: unknown,
): { value: number } | ValueProblem[] {
  const name = definition.name;
  const got = showValue(definition, value);
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return [{ rule: 'type', message: `${name} must be a finite number, got ${got}` }];
  }
  const problems: ValueProblem[] = [];
  if (definition.min !== undefined && value < definition.min) {
    const message = `${name} must be at least ${definition.min}, got ${got}`;
    problems.push({ rule: 'min', message });
  }
  if (definition.max !== undefined && value > definition.max) {
    const message = `${name} must be at most ${definition.max}, got ${got}`;
    problems.push({ rule: 'max', message });
  }
  return problems.length > 0 ? problems : { value };
}

function checkCurrency(
  definition: CustomFieldDefinition,
  value: unknown,
): { value: number } | ValueProblem[] {
  const name = definition.name;
  const got = showValue(definition, value);
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return [{ rule: 'type', message: `${name} must be an amount as a number, got ${got}` }];
  }
  if (value < 0) {
    return [{ rule: 'min', message: `${name} must not be negative, got ${got}` }];
  }
  if (value > MAX_CURRENCY_AMOUNT) {
    return [{ rule: 'max', message: `${name} must be at most ${MAX_CURRENCY_AMOUNT}, got ${got}` }];
  }
  if (!hasAtMostTwoDecimals(value)) {
    return [{ rule: 'precision', message: `${name} must have at most 2 decimals, got ${got}` }];
  }
  return { value };
}

function checkMultiSelect(
  definition: CustomFieldDefinition,
  value: unknown,
): { value: string[] } | ValueProblem[] {
  const name = definition.name;
  const options = definition.options ?? [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    const got = showValue(definition, value);
    return [{ rule: 'type', message: `${name} must be a list of string options, got ${got}` }];
  }
  const problems: ValueProblem[] = [];
  const unlisted = value.filter((item) => !options.includes(item));
  if (unlisted.length > 0) {
    const got = showValue(definition, unlisted);
    const message = `${name} accepts only ${options.join(', ')}, got ${got}`;
    problems.push({ rule: 'option', message });
  }
  const duplicates = value.filter((item, index) => value.indexOf(item) !== index);
  if (duplicates.length > 0) {
    const repeated = showValue(definition, [...new Set(duplicates)]);
    const message = `${name} lists ${repeated} more than once`;
    problems.push({ rule: 'duplicate', message });
  }
  return problems.length > 0 ? problems : { value: [...value] };
}

/** Formats a rejected value for a message. Values of sensitive fields show only their kind. */
function showValue(definition: CustomFieldDefinition, value: unknown): string {
  if (definition.sensitive) {
    const kind = Array.isArray(value) ? 'list' : typeof value;
    return `a ${kind} (hidden, sensitive field)`;
  }
  if (value === undefined) {
    return 'undefined';
  }
  return JSON.stringify(value) ?? String(value);
}
