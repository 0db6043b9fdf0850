import { canonicalJson, type SealedEntry } from './audit-chain.js';

export const ERASED = '[erased]';

/** Scope of one person's erasure: their id and the strings that identify them. */
export interface SubjectErasure {
  subjectId: string;
  /** Strings such as the e-mail address and name; each occurrence becomes "[erased]". */
  replacements: readonly string[];
}

export type ErasableFields = Pick<SealedEntry, 'oldValues' | 'newValues' | 'ip' | 'userAgent'>;

/** Tells whether an entry is about the person: it names them as a subject, is their user record, or they acted. */
export function concernsSubject(entry: SealedEntry, subjectId: string): boolean {
  return (
    entry.subjectIds.includes(subjectId) ||
    entry.actorId === subjectId ||
    (entry.entityType === 'user' && entry.entityId === subjectId)
  );
}

/**
 * Rewrites one entry for erasure and returns the changed fields, or null when nothing changes.
 * In entries that name the person as a subject (or are their user record), every field listed
 * in `personalFields` becomes "[erased]". In every entry about them, each replacement string is
 * erased wherever it occurs in a value, ignoring case, and when they were the acting user, the
 * IP address and user agent are cleared.
 */
export function eraseSubject(
  entry: SealedEntry,
  erasure: SubjectErasure,
): Partial<ErasableFields> | null {
  const { subjectId } = erasure;
  if (!concernsSubject(entry, subjectId)) return null;

  const isSubject =
    entry.subjectIds.includes(subjectId) ||
    (entry.entityType === 'user' && entry.entityId === subjectId);
  const personal = isSubject ? new Set(entry.personalFields ?? []) : new Set<string>();
  const patterns = toPatterns(erasure.replacements);
  const rewrite = (values: Record<string, unknown> | null) =>
    values === null ? null : rewriteValues(values, personal, patterns);

  const changed: Partial<ErasableFields> = {};
  const oldValues = rewrite(entry.oldValues);
  if (canonicalJson(oldValues) !== canonicalJson(entry.oldValues)) changed.oldValues = oldValues;
  const newValues = rewrite(entry.newValues);
  if (canonicalJson(newValues) !== canonicalJson(entry.newValues)) changed.newValues = newValues;

  if (entry.actorId === subjectId && entry.actorType === 'user') {
    if (entry.ip !== null) changed.ip = null;
    if (entry.userAgent !== null) changed.userAgent = null;
  }
  return Object.keys(changed).length > 0 ? changed : null;
}

/** Cleans the replacement list: trimmed, without empty strings or duplicates, longest first. */
export function normaliseReplacements(replacements: readonly string[]): string[] {
  const unique = new Set(
    replacements.map((value) => value.trim()).filter((value) => value.length > 0),
  );
  return [...unique].sort((a, b) => b.length - a.length);
}

function toPatterns(replacements: readonly string[]): RegExp[] {
  return normaliseReplacements(replacements).map(
    (value) => new RegExp(value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'), 'giu'),
  );
}

function rewriteValues(
  values: Record<string, unknown>,
  personal: ReadonlySet<string>,
  patterns: readonly RegExp[],
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => {
      const erase = personal.has(key) && value !== null && value !== undefined;
      return [key, erase ? ERASED : replaceStrings(value, patterns)];
    }),
  );
}

function replaceStrings(value: unknown, patterns: readonly RegExp[]): unknown {
  if (typeof value === 'string') {
    return patterns.reduce((text, pattern) => text.replace(pattern, ERASED), value);
  }
  if (Array.isArray(value)) return value.map((item) => replaceStrings(item, patterns));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, item]) => [
      key,
      replaceStrings(item, patterns),
    ]),
  );
}
