export const MIN_WORD_LENGTH = 2;
export const MAX_WORD_LENGTH = 64;

/**
 * Splits text into search words: Unicode NFKD with combining marks removed (so `café` matches
 * `cafe`), lower case, runs of letters and digits of 2 to 64 characters, each word once.
 */
export function extractWords(text: string): string[] {
  const folded = text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
  const words = new Set<string>();
  for (const match of folded.matchAll(/[\p{L}\p{N}]+/gu)) {
    const word = match[0];
    if (word.length >= MIN_WORD_LENGTH && word.length <= MAX_WORD_LENGTH) words.add(word);
  }
  return [...words];
}
