/** Builds a LIKE pattern, for use with `ESCAPE '\'`, that matches `text` anywhere, its wildcards literally. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, '\\$&')}%`;
}
