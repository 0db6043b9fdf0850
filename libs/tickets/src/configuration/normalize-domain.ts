import { normalizeCustomFields } from './normalize-custom-fields.js';
import { normalizeWorkflow } from './normalize-workflow.js';
import {
  ConfigReader,
  duplicateMessage,
  isMapping,
  toCamelCase,
  type Entry,
  type YamlMapping,
} from './reader.js';
import {
  BUILT_IN_ROLES,
  type DomainDefinition,
  type DomainRole,
  type EntityLabels,
  type WorkItemType,
} from './types.js';
import type { KeyPath } from './yaml-source.js';

/** Domain keys the engine interprets. Any other key is kept verbatim in `extras`. */
const DOMAIN_KEYS = [
  'display_name',
  'description',
  'ui',
  'entity_labels',
  'work_item_types',
  'custom_fields',
  'workflow',
  'roles',
];

const DEFAULT_LABELS: EntityLabels = {
  workItem: 'Ticket',
  workContainer: 'Project',
  workHandler: 'Agent',
};

const PERMISSION_PATTERN = /^[a-z][a-z0-9_]*(\.([a-z][a-z0-9_]*|\*))+$/;

/** Builds one domain definition, reporting problems to `reader` instead of throwing. */
export function normalizeDomain(
  reader: ConfigReader,
  id: string,
  raw: YamlMapping,
  path: KeyPath,
): DomainDefinition {
  const get = (key: string): Entry => reader.entry(raw, path, key);
  const workItemTypes = normalizeWorkItemTypes(reader, get('work_item_types'));
  const typeCodes = new Set(workItemTypes.map((type) => type.code));
  const customFields = normalizeCustomFields(reader, get('custom_fields'), typeCodes);
  const roles = normalizeRoles(reader, get('roles'));

  const misplacedRules = get('transition_rules');
  if (misplacedRules.present) {
    reader.report(misplacedRules.path, 'must be placed under workflow, or its rules are ignored');
  }

  return {
    id,
    displayName: reader.string(get('display_name'), id) ?? id,
    description: reader.string(get('description'), '') ?? '',
    ui: reader.mapping(get('ui')) ?? {},
    entityLabels: normalizeEntityLabels(reader, get('entity_labels')),
    workItemTypes,
    customFields,
    workflow: normalizeWorkflow(reader, get('workflow'), customFields, roles),
    roles,
    extras: collectExtras(raw),
  };
}

function collectExtras(raw: YamlMapping): Record<string, unknown> {
  const known = new Set(DOMAIN_KEYS.flatMap((key) => [key, toCamelCase(key)]));
  // Object.fromEntries defines own properties, so a `__proto__` key stays plain data.
  return Object.fromEntries(Object.entries(raw).filter(([key]) => !known.has(key)));
}

function normalizeEntityLabels(reader: ConfigReader, entry: Entry): EntityLabels {
  const raw = reader.mapping(entry);
  if (raw === undefined) {
    return { ...DEFAULT_LABELS };
  }
  reader.rejectUnknownKeys(raw, entry.path, ['work_item', 'work_container', 'work_handler']);
  const label = (key: string, fallback: string): string =>
    reader.string(reader.entry(raw, entry.path, key), fallback) ?? fallback;
  return {
    workItem: label('work_item', DEFAULT_LABELS.workItem),
    workContainer: label('work_container', DEFAULT_LABELS.workContainer),
    workHandler: label('work_handler', DEFAULT_LABELS.workHandler),
  };
}

function normalizeWorkItemTypes(reader: ConfigReader, entry: Entry): WorkItemType[] {
  const types: WorkItemType[] = [];
  const firstLines = new Map<string, number | undefined>();
  for (const item of reader.list(entry)) {
    const raw = reader.mapping(item);
    if (raw === undefined) {
      reader.report(item.path, 'missing work item type (expected a mapping with code and name)');
      continue;
    }
    reader.rejectUnknownKeys(raw, item.path, ['code', 'name', 'icon', 'color', 'default_sla_days']);
    const get = (key: string): Entry => reader.entry(raw, item.path, key);
    const codeEntry = get('code');
    const code = reader.requiredString(codeEntry);
    if (code === undefined) {
      continue;
    }
    if (firstLines.has(code)) {
      const message = duplicateMessage('work item type code', code, firstLines.get(code));
      reader.report(codeEntry.path, message);
      continue;
    }
    firstLines.set(code, reader.line(codeEntry.path));

    const type: WorkItemType = { code, name: reader.string(get('name'), code) ?? code };
    const icon = reader.string(get('icon'));
    const color = reader.string(get('color'));
    const slaEntry = get('default_sla_days');
    const sla = reader.number(slaEntry);
    if (icon !== undefined) type.icon = icon;
    if (color !== undefined) type.color = color;
    if (sla !== undefined && sla < 0) {
      reader.report(slaEntry.path, `must not be negative, got ${sla}`);
    } else if (sla !== undefined) {
      type.defaultSlaDays = sla;
    }
    types.push(type);
  }
  return types;
}

function normalizeRoles(reader: ConfigReader, entry: Entry): DomainRole[] {
  const roles: DomainRole[] = [];
  const firstLines = new Map<string, number | undefined>();
  for (const item of reader.list(entry)) {
    if (!isMapping(item.value)) {
      reader.report(item.path, 'missing role (expected a mapping with code and permissions)');
      continue;
    }
    const raw = item.value;
    reader.rejectUnknownKeys(raw, item.path, ['code', 'display_name', 'permissions']);
    const codeEntry = reader.entry(raw, item.path, 'code');
    const code = reader.requiredString(codeEntry);
    if (code === undefined) {
      continue;
    }
    if ((BUILT_IN_ROLES as readonly string[]).includes(code)) {
      // Built-in permissions are fixed in code, so a domain cannot redefine these roles.
      reader.report(codeEntry.path, `role '${code}' is built in (choose another code)`);
      continue;
    }
    if (firstLines.has(code)) {
      reader.report(codeEntry.path, duplicateMessage('role code', code, firstLines.get(code)));
      continue;
    }
    firstLines.set(code, reader.line(codeEntry.path));

    const permissions = new Set<string>();
    for (const permission of reader.list(reader.entry(raw, item.path, 'permissions'))) {
      if (typeof permission.value === 'string' && PERMISSION_PATTERN.test(permission.value)) {
        permissions.add(permission.value);
      } else {
        const invalid = JSON.stringify(permission.value);
        reader.report(permission.path, `invalid permission ${invalid} (expected resource.action)`);
      }
    }
    const displayName = reader.string(reader.entry(raw, item.path, 'display_name'), code) ?? code;
    roles.push({ code, displayName, permissions: [...permissions] });
  }
  return roles;
}
