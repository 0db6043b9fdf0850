import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError, type ValidatorOptions } from 'class-validator';
import { MasalaException, type FieldError } from '../errors/masala.exception.js';

export const VALIDATOR_OPTIONS: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  stopAtFirstError: false,
};

/**
 * Flattens class-validator errors into one entry per field and rule, with dotted paths. A field
 * that is absent fails every rule it has (isString, maxLength and so on), so it is reported once,
 * with the rule `required`.
 */
export function toFieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    if (isMissing(error)) return [{ field, rule: 'required', message: `${field} is required` }];
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({
      field,
      rule: rule === 'whitelistValidation' ? 'unknown_property' : rule,
      message: rule === 'whitelistValidation' ? `property ${field} is not allowed` : message,
    }));
    return [...own, ...toFieldErrors(error.children ?? [], field)];
  });
}

/**
 * Returns whether the error is about an absent property. JSON has no undefined, so an undefined
 * value means the property was not sent. An unknown property is reported as such even when its
 * value is undefined.
 */
function isMissing(error: ValidationError): boolean {
  const rules = Object.keys(error.constraints ?? {});
  return error.value === undefined && rules.length > 0 && !rules.includes('whitelistValidation');
}

/** Validates a plain object against a DTO class outside the pipe, with the same rules and errors. */
export function validateInput<T extends object>(type: new () => T, value: unknown): T {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw MasalaException.validation([{ field: 'body', rule: 'object', message: 'the body must be a JSON object' }]);
  }
  const instance = plainToInstance(type, value);
  const errors = validateSync(instance, VALIDATOR_OPTIONS);
  if (errors.length > 0) throw MasalaException.validation(toFieldErrors(errors));
  return instance;
}

/**
 * Rejects a PATCH body that sets no field with 400 (`body`, rule `not_empty`). `message` says
 * which fields the route takes.
 */
export function assertSetsAField(body: object, message = 'the body must set at least one field'): void {
  if (Object.values(body).every((value) => value === undefined)) {
    throw MasalaException.validation([{ field: 'body', rule: 'not_empty', message }]);
  }
}
