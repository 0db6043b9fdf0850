/** A LIKE pattern matching `text` anywhere, for use with `ESCAPE '\'`: wildcards in `text` match literally. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, '\\$&')}%`;
}
