import { ConfigReader, duplicateMessage, type Entry, type YamlMapping } from './reader.js';
import {
  CUSTOM_FIELD_TYPES,
  TICKET_FIELDS,
  VIRTUAL_FIELDS,
  type CustomFieldDefinition,
  type CustomFieldType,
} from './types.js';
import type { KeyPath } from './yaml-source.js';

const FIELD_KEYS = [
  'name',
  'label',
  'type',
  'options',
  'min',
  'max',
  'required',
  'required_for_types',
  'required_for_priority',
  'sensitive',
];

const FIELD_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED_FIELD_NAMES: readonly string[] = [...VIRTUAL_FIELDS, ...TICKET_FIELDS];
/** Names that would reach Object.prototype when used as keys of a plain values object. */
const OBJECT_PROTOTYPE_NAMES: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/** Builds the custom field definitions of a domain. `typeCodes` are its work item types. */
export function normalizeCustomFields(
  reader: ConfigReader,
  entry: Entry,
  typeCodes: ReadonlySet<string>,
): CustomFieldDefinition[] {
  const fields: CustomFieldDefinition[] = [];
  const firstLines = new Map<string, number | undefined>();
  for (const item of reader.list(entry)) {
    const raw = reader.mapping(item);
    if (raw === undefined) {
      reader.report(item.path, 'missing custom field (expected a mapping with name and type)');
      continue;
    }
    reader.rejectUnknownKeys(raw, item.path, FIELD_KEYS);
    const nameEntry = reader.entry(raw, item.path, 'name');
    const name = reader.requiredString(nameEntry);
    const field = normalizeCustomField(reader, raw, item.path, name ?? '', typeCodes);
    if (name === undefined || field === undefined) {
      continue;
    }
    if (!FIELD_NAME_PATTERN.test(name)) {
      reader.report(nameEntry.path, `invalid field name '${name}' (use letters, digits and _)`);
      continue;
    }
    if (OBJECT_PROTOTYPE_NAMES.includes(name)) {
      reader.report(nameEntry.path, `field name '${name}' is not allowed (reserved by JavaScript)`);
      continue;
    }
    if (RESERVED_FIELD_NAMES.includes(name)) {
      reader.report(nameEntry.path, `field name '${name}' is reserved for transition conditions`);
      continue;
    }
    if (firstLines.has(name)) {
      reader.report(nameEntry.path, duplicateMessage('field name', name, firstLines.get(name)));
      continue;
    }
    firstLines.set(name, reader.line(nameEntry.path));
    fields.push(field);
  }
  return fields;
}

function normalizeCustomField(
  reader: ConfigReader,
  raw: YamlMapping,
  path: KeyPath,
  name: string,
  typeCodes: ReadonlySet<string>,
): CustomFieldDefinition | undefined {
  const get = (key: string): Entry => reader.entry(raw, path, key);
  const typeEntry = get('type');
  const typeName = reader.requiredString(typeEntry);
  if (typeName === undefined) {
    return undefined;
  }
  if (!isCustomFieldType(typeName)) {
    const expected = CUSTOM_FIELD_TYPES.join(', ');
    reader.report(typeEntry.path, `unknown field type '${typeName}' (expected one of ${expected})`);
    return undefined;
  }

  const field: CustomFieldDefinition = {
    name,
    label: reader.string(get('label'), name) ?? name,
    type: typeName,
    required: reader.boolean(get('required'), false),
    requiredForTypes: [],
    requiredForPriority: reader.stringList(get('required_for_priority')),
    sensitive: reader.boolean(get('sensitive'), false),
  };

  const typesEntry = get('required_for_types');
  reader.list(typesEntry).forEach((item) => {
    if (typeof item.value === 'string' && typeCodes.has(item.value)) {
      field.requiredForTypes.push(item.value);
    } else {
      reader.report(item.path, `unknown work item type ${JSON.stringify(item.value)}`);
    }
  });

  const optionsEntry = get('options');
  const isSelect = typeName === 'select' || typeName === 'multi_select';
  if (isSelect) {
    field.options = normalizeOptions(reader, optionsEntry, typeName);
  } else if (optionsEntry.present) {
    reader.report(optionsEntry.path, 'options apply only to select and multi_select fields');
  }

  const minEntry = get('min');
  const maxEntry = get('max');
  for (const bound of [minEntry, maxEntry]) {
    if (bound.present && typeName !== 'number') {
      reader.report(bound.path, `${String(bound.path.at(-1))} applies only to number fields`);
    }
  }
  if (typeName === 'number') {
    const min = reader.number(minEntry);
    const max = reader.number(maxEntry);
    if (min !== undefined) field.min = min;
    if (max !== undefined) field.max = max;
    if (min !== undefined && max !== undefined && min > max) {
      reader.report(minEntry.path, `min (${min}) is greater than max (${max})`);
    }
  }
  return field;
}

function normalizeOptions(reader: ConfigReader, entry: Entry, typeName: CustomFieldType): string[] {
  if (!entry.present || entry.value === null) {
    reader.report(entry.path, `missing options (a ${typeName} field needs a list of options)`);
    return [];
  }
  const options: string[] = [];
  for (const item of reader.list(entry)) {
    if (typeof item.value !== 'string') {
      reader.report(item.path, `option must be a string, got ${JSON.stringify(item.value)}`);
    } else if (options.includes(item.value)) {
      reader.report(item.path, `duplicate option '${item.value}'`);
    } else {
      options.push(item.value);
    }
  }
  if (Array.isArray(entry.value) && entry.value.length === 0) {
    reader.report(entry.path, `empty options (a ${typeName} field needs at least one option)`);
  }
  return options;
}

function isCustomFieldType(value: string): value is CustomFieldType {
  return (CUSTOM_FIELD_TYPES as readonly string[]).includes(value);
}
