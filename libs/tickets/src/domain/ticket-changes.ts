import type { FieldError } from '#kernel';
import { dueDateFor, normalizeCustomFieldValues, type DomainDefinition } from '../configuration/index.js';
import { normalizeTags } from './tags.js';
import { PRIORITY_RANK, type Ticket, type TicketPriority } from './ticket.entity.js';
import { resolveTypeCode } from './ticket-type.js';

/** Fields a partial update may change; absent means unchanged, null clears where allowed. */
export interface TicketChanges {
  title?: string;
  description?: string;
  typeCode?: string;
  priority?: TicketPriority;
  /** Merged into the stored values; a null value clears that field. */
  customFields?: Record<string, unknown>;
  tags?: string[];
  watcherIds?: string[];
  projectId?: string | null;
  /** ISO 8601 timestamp; overrides the due date from the type's SLA. */
  dueAt?: string | null;
  assigneeId?: string | null;
}

type ChangeableField =
  | 'title'
  | 'description'
  | 'typeCode'
  | 'priority'
  | 'customFields'
  | 'tags'
  | 'watcherIds'
  | 'projectId'
  | 'dueAt'
  | 'assigneeId';

export interface ComputedChanges {
  /** New values of the changed fields only. */
  next: Partial<Pick<Ticket, ChangeableField | 'priorityRank'>>;
  /** Old values of the same fields, for the audit trail. */
  previous: Partial<Pick<Ticket, ChangeableField>>;
  errors: FieldError[];
}

/**
 * Works out which fields a partial update really changes. Custom fields are validated on the
 * merged values, against the new type and priority, whenever any of the three changes. A new
 * type recomputes the due date from the creation time unless the update sets `dueAt` itself.
 */
export function computeTicketChanges(ticket: Ticket, changes: TicketChanges, domain: DomainDefinition): ComputedChanges {
  const candidate: Partial<Pick<Ticket, ChangeableField>> = {};
  const errors: FieldError[] = [];

  if (changes.title !== undefined) candidate.title = changes.title.trim();
  if (changes.description !== undefined) candidate.description = changes.description;
  if (changes.priority !== undefined) candidate.priority = changes.priority;
  if (changes.typeCode !== undefined) {
    candidate.typeCode = resolveTypeCode(domain, changes.typeCode);
    if (changes.dueAt === undefined) candidate.dueAt = dueDateFor(domain, candidate.typeCode, ticket.createdAt);
  }
  if (changes.dueAt !== undefined) candidate.dueAt = changes.dueAt === null ? null : new Date(changes.dueAt);
  if (changes.projectId !== undefined) candidate.projectId = changes.projectId;
  if (changes.assigneeId !== undefined) candidate.assigneeId = changes.assigneeId;
  if (changes.watcherIds !== undefined) candidate.watcherIds = [...new Set(changes.watcherIds)];
  if (changes.tags !== undefined) {
    const tags = normalizeTags(changes.tags);
    errors.push(...tags.errors);
    candidate.tags = tags.tags;
  }
  if (changes.customFields !== undefined || changes.typeCode !== undefined || changes.priority !== undefined) {
    const fields = normalizeCustomFieldValues(domain, {
      typeCode: candidate.typeCode ?? ticket.typeCode,
      priority: candidate.priority ?? ticket.priority,
      values: { ...ticket.customFields, ...(changes.customFields ?? {}) },
    });
    errors.push(...fields.violations);
    candidate.customFields = fields.values;
  }

  const next: ComputedChanges['next'] = {};
  const previous: ComputedChanges['previous'] = {};
  for (const [field, value] of Object.entries(candidate) as Array<[ChangeableField, unknown]>) {
    if (sameValue(ticket[field], value)) continue;
    Object.assign(next, { [field]: value });
    Object.assign(previous, { [field]: ticket[field] });
  }
  if (next.priority !== undefined) next.priorityRank = PRIORITY_RANK[next.priority];
  return { next, previous, errors };
}

/** Compares stored and new values: dates by instant, arrays and objects by canonical JSON. */
function sameValue(stored: unknown, value: unknown): boolean {
  if (stored instanceof Date || value instanceof Date) {
    return stored instanceof Date && value instanceof Date && stored.getTime() === value.getTime();
  }
  return canonical(stored) === canonical(value);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
