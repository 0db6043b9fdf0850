import { ApiProperty, DECORATORS, type ApiPropertyOptions } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';

type Constructor = abstract new (...args: never[]) => unknown;

interface Rule {
  type: string;
  name?: string;
  constraints?: unknown[];
  each?: boolean;
}

const described = new WeakSet<Constructor>();

/** Example values by string format, so that generated request samples look real. */
const FORMAT_EXAMPLES: Record<string, string> = {
  email: 'agent@example.org',
  uuid: '0b6e8f4e-5d2a-4c1b-9a3e-2f7d6c8b1a90',
  'date-time': '2026-12-04T09:30:00Z',
  uri: 'https://hooks.example.org/masala',
};

/**
 * Translates class-validator rules into OpenAPI property metadata for DTOs that carry no
 * @ApiProperty of their own. The validators are what the API enforces, so the document then
 * states the same types, formats, limits and required fields. Explicit @ApiProperty options win.
 */
export function describeDtoFromValidators(target: Constructor): void {
  if (described.has(target)) return;
  described.add(target);

  const rules = getMetadataStorage().getTargetValidationMetadatas(target as never, '', true, false) as Rule[];
  const byProperty = new Map<string, Rule[]>();
  for (const rule of rules as Array<Rule & { propertyName: string }>) {
    byProperty.set(rule.propertyName, [...(byProperty.get(rule.propertyName) ?? []), rule]);
  }
  const defaults = defaultValues(target);
  const prototype = (target as unknown as { prototype: object }).prototype;

  for (const [property, propertyRules] of byProperty) {
    const existing = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, prototype, property) as object | undefined;
    if (existing) continue;
    const { nested, ...options } = propertyOptions(
      propertyRules,
      Reflect.getMetadata('design:type', prototype, property),
    );
    if (defaults[property] !== undefined) options.default = defaults[property];
    ApiProperty(options as ApiPropertyOptions)(prototype, property);
    if (nested) describeDtoFromValidators(nested);
  }
}

type MutableOptions = Record<string, unknown> & { nested?: Constructor };

function propertyOptions(rules: Rule[], designType: unknown): MutableOptions {
  const options: MutableOptions = { required: !rules.some((rule) => rule.type === 'conditionalValidation') };
  const each = rules.some((rule) => rule.each) || rules.some((rule) => rule.name === 'isArray');
  for (const rule of rules) applyRule(options, rule);

  const nestedClass = typeof designType === 'function' && designType !== Array && designType !== Object;
  if (rules.some((rule) => rule.type === 'nestedValidation') && nestedClass) {
    options.type = designType;
    options.nested = designType as Constructor;
    delete options.additionalProperties;
  }
  if (options.type === undefined && Array.isArray(options.enum)) {
    options.type = typeof options.enum[0] === 'number' ? Number : String;
  }
  if (options.type === undefined) options.type = typeFromDesign(designType);
  if (each) options.isArray = true;
  const formatExample = typeof options.format === 'string' ? FORMAT_EXAMPLES[options.format] : undefined;
  if (formatExample !== undefined && options.example === undefined) {
    options.example = each ? [formatExample] : formatExample;
  }
  return options;
}

function applyRule(options: MutableOptions, rule: Rule): void {
  const first = rule.constraints?.[0];
  switch (rule.name) {
    case 'isString':
      options.type = String;
      break;
    case 'isInt':
      options.type = 'integer';
      break;
    case 'isNumber':
      options.type = Number;
      break;
    case 'isBoolean':
      options.type = Boolean;
      break;
    case 'isObject':
      options.type = 'object';
      options.additionalProperties = true;
      break;
    case 'isEmail':
      Object.assign(options, { type: String, format: 'email' });
      break;
    case 'isUuid':
      Object.assign(options, { type: String, format: 'uuid' });
      break;
    case 'isIso8601':
    case 'isDateString':
      Object.assign(options, { type: String, format: 'date-time' });
      break;
    case 'isUrl':
      Object.assign(options, { type: String, format: 'uri' });
      break;
    case 'isIn':
      options.enum = first as unknown[];
      break;
    case 'isEnum':
      options.enum = Object.values(first as object);
      break;
    case 'minLength':
      options.minLength = first;
      break;
    case 'maxLength':
      options.maxLength = first;
      break;
    case 'min':
      options.minimum = first;
      break;
    case 'max':
      options.maximum = first;
      break;
    case 'arrayMinSize':
      options.minItems = first;
      break;
    case 'arrayMaxSize':
      options.maxItems = first;
      break;
    case 'matches':
      if (first instanceof RegExp) options.pattern = first.source;
      break;
  }
}

function typeFromDesign(designType: unknown): unknown {
  if (designType === String || designType === Number || designType === Boolean) return designType;
  if (designType === Date) return String;
  return 'object';
}

/** Field initialisers such as `limit = 25` become documented defaults. */
function defaultValues(target: Constructor): Record<string, unknown> {
  try {
    return { ...(new (target as unknown as new () => object)() as Record<string, unknown>) };
  } catch {
    return {};
  }
}
