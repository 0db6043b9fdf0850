import { ValidateBy, type ValidationOptions } from 'class-validator';

/** Largest number of custom field values in one request. */
export const MAX_CUSTOM_FIELDS = 100;
/** Largest text in one custom field value, in characters. */
export const MAX_CUSTOM_FIELD_TEXT_LENGTH = 10_000;
/** Largest number of items in a list value of a custom field. */
export const MAX_CUSTOM_FIELD_ITEMS = 100;

/**
 * Returns why a custom field map exceeds the limits, or undefined when it does not. The domain
 * configuration checks names and types afterwards; these limits bound the work and the size of
 * the error list before that.
 */
export function customFieldLimitProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_CUSTOM_FIELDS) {
    return `customFields must have at most ${MAX_CUSTOM_FIELDS} fields, got ${entries.length}`;
  }
  for (const [name, item] of entries) {
    if (typeof item === 'string' && item.length > MAX_CUSTOM_FIELD_TEXT_LENGTH) {
      return `customFields.${name} must be at most ${MAX_CUSTOM_FIELD_TEXT_LENGTH} characters, got ${item.length}`;
    }
    if (Array.isArray(item)) {
      if (item.length > MAX_CUSTOM_FIELD_ITEMS) {
        return `customFields.${name} must have at most ${MAX_CUSTOM_FIELD_ITEMS} items, got ${item.length}`;
      }
      const long = item.find(
        (element) => typeof element === 'string' && element.length > MAX_CUSTOM_FIELD_TEXT_LENGTH,
      );
      if (long !== undefined) {
        return `customFields.${name} items must be at most ${MAX_CUSTOM_FIELD_TEXT_LENGTH} characters each`;
      }
    }
    if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
      return `customFields.${name} must be a text, number, boolean or list value, not an object`;
    }
  }
  return undefined;
}

/** Rejects a custom field map beyond MAX_CUSTOM_FIELDS or the per-value limits (rule `limits`). */
export function WithinCustomFieldLimits(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'limits',
      validator: {
        validate: (value: unknown) => customFieldLimitProblem(value) === undefined,
        defaultMessage: (args) =>
          customFieldLimitProblem(args?.value) ?? 'customFields exceed the limits',
      },
    },
    options,
  );
}
