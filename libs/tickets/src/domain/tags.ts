import type { FieldError } from '#kernel';

export const MAX_TAGS = 20;
export const MAX_TAG_LENGTH = 64;
const TAG_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N} ._:/-]*$/u;

/**
 * Normalises tags: trimmed, inner white space collapsed, Unicode NFC, lower case, duplicates
 * dropped in first-seen order. A tag starts with a letter or digit and may contain spaces and
 * `._:/-`.
 */
export function normalizeTags(input: readonly string[], field = 'tags'): { tags: string[]; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const tags: string[] = [];
  input.forEach((raw, index) => {
    const tag = raw.trim().replace(/\s+/g, ' ').normalize('NFC').toLowerCase();
    if (tag.length === 0 || tag.length > MAX_TAG_LENGTH || !TAG_PATTERN.test(tag)) {
      errors.push({
        field: `${field}[${index}]`,
        rule: 'tag',
        message: `a tag must be 1 to ${MAX_TAG_LENGTH} letters, digits, spaces or ._:/- and start with a letter or digit`,
      });
    } else if (!tags.includes(tag)) {
      tags.push(tag);
    }
  });
  if (tags.length > MAX_TAGS) {
    errors.push({ field, rule: 'max_tags', message: `a ticket has at most ${MAX_TAGS} tags` });
  }
  return { tags, errors };
}
