import { createHash } from 'node:crypto';
import type { CustomFieldDefinition, DomainDefinition } from '../configuration/index.js';
import { doneStatesOf } from '../domain/done-states.js';
import type { ProjectStatus } from '../domain/project.entity.js';
import { MAX_TAGS, normalizeTags } from '../domain/tags.js';
import type { TicketPriority } from '../domain/ticket.entity.js';

const MAX_TITLE = 120;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Compares codes the way the two platforms spell them: `InProgress` equals `IN_PROGRESS`. */
const key = (value: string) => value.replace(/[^a-z0-9]/gi, '').toLowerCase();

/** Stable import reference, so a second import of the same file finds what the first created. */
export function seedRef(kind: 'work-container' | 'work-item', ...parts: string[]): string {
  return `seed:${kind}:${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 40)}`;
}

/** Builds a title from a work item's description: its first line, cut at a word near 120 characters. */
export function titleOf(description: string): string {
  const firstLine = description.split(/\r?\n/).find((line) => line.trim() !== '')?.trim() ?? description.trim();
  if (firstLine.length <= MAX_TITLE) return firstLine;
  const cut = firstLine.slice(0, MAX_TITLE - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > MAX_TITLE / 2 ? cut.slice(0, space) : cut}…`;
}

/** Maps the 0-100 PriorityScore to a priority with the old platform's bands: P0 90+, P1 70+, P2 40+. */
export function priorityOf(score: number | undefined): TicketPriority {
  if (score === undefined) return 'normal';
  if (score >= 90) return 'urgent';
  if (score >= 70) return 'high';
  if (score >= 40) return 'normal';
  return 'low';
}

/** Finds the domain's type with the same code or name (`ServiceRequest` matches SERVICE_REQUEST). */
export function typeOf(domain: DomainDefinition, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const wanted = key(raw);
  return domain.workItemTypes.find((type) => key(type.code) === wanted || key(type.name) === wanted)?.code;
}

const FINISHED = new Set(['completed', 'complete', 'done', 'closed', 'resolved', 'finished']);

/**
 * Finds the workflow state for an old status: the state with that code or name, else a done
 * state for a finished status, else the initial state.
 */
export function stateOf(domain: DomainDefinition, raw: string | undefined): string {
  const { states, initialState } = domain.workflow;
  if (raw === undefined) return initialState;
  const wanted = key(raw);
  const same = states.find((state) => key(state.code) === wanted || key(state.name) === wanted);
  if (same) return same.code;
  if (FINISHED.has(wanted)) {
    const done = doneStatesOf(domain);
    return done.find((code) => FINISHED.has(key(code))) ?? done[0] ?? initialState;
  }
  return initialState;
}

export function projectStatusOf(raw: string | undefined): ProjectStatus {
  switch (key(raw ?? '')) {
    case 'pending':
    case 'planned':
    case 'notstarted':
    case 'new':
      return 'PLANNED';
    case 'onhold':
    case 'paused':
      return 'ON_HOLD';
    case 'completed':
    case 'complete':
    case 'done':
    case 'closed':
      return 'COMPLETED';
    case 'cancelled':
    case 'canceled':
      return 'CANCELLED';
    default:
      return 'ACTIVE';
  }
}

/** Splits GerdaTags ("Design, UX, High Priority") into valid tags; invalid ones are dropped. */
export function tagsOf(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  const candidates = raw.split(',').map((tag) => tag.trim()).filter(Boolean);
  const valid = candidates.filter((tag) => normalizeTags([tag]).errors.length === 0);
  return normalizeTags(valid).tags.slice(0, MAX_TAGS);
}

export function daysFrom(now: Date, days: number): Date {
  return new Date(now.getTime() + days * DAY_MS);
}

/** Priority words that a select option may use for each priority. */
const PRIORITY_WORDS: Record<TicketPriority, string[]> = {
  low: ['low', 'minor'],
  normal: ['medium', 'normal', 'moderate'],
  high: ['high', 'major'],
  urgent: ['critical', 'urgent', 'highest'],
};

/**
 * Fills the custom fields an imported ticket needs. Values given with `--set-field` come first.
 * A required select field without a value then gets the option that names the ticket's priority,
 * so an `urgency` field with Low, Medium, High and Critical gets High for a high-priority item.
 */
export function customFieldsFor(
  domain: DomainDefinition,
  priority: TicketPriority,
  defaults: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const field of domain.customFields) {
    if (Object.hasOwn(defaults, field.name)) values[field.name] = valueFor(field, defaults[field.name]!);
    else if (field.required && field.type === 'select') {
      const option = field.options?.find((candidate) => PRIORITY_WORDS[priority].includes(candidate.toLowerCase()));
      if (option !== undefined) values[field.name] = option;
    }
  }
  return values;
}

function valueFor(field: CustomFieldDefinition, raw: string): unknown {
  switch (field.type) {
    case 'number':
    case 'currency':
      return Number(raw);
    case 'boolean':
      return raw === 'true';
    case 'multi_select':
      return raw.split(',').map((item) => item.trim());
    default:
      return raw;
  }
}
