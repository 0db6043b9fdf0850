/**
 * English words that are too common to identify a person on their own. They are the words of the
 * `commonWords-en` (film and TV subtitles) and `wikipedia-en` frequency lists of
 * @zxcvbn-ts/language-en 4.1 that its `firstnames-en` and `lastnames-en` lists do not contain:
 * 58,738 words. So "printer" is common, while "Smith" and "Annie" are names.
 *
 * NOTE: the lists are English only. A common Dutch, French or German word passes as uncommon.
 */
export type CommonWordTest = (word: string) => boolean;

let loading: Promise<CommonWordTest> | undefined;

/**
 * Loads the lists on first use and returns the test. Loading took about 200 ms and 30 MB of heap
 * with Node 20 on a 2-core machine, so it waits until an erasure needs it.
 */
export function loadCommonWords(): Promise<CommonWordTest> {
  loading ??= import('@zxcvbn-ts/language-en').then(buildTest, (error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

function buildTest({ dictionary }: typeof import('@zxcvbn-ts/language-en')): CommonWordTest {
  const names = new Set([...dictionary['firstnames-en'], ...dictionary['lastnames-en']]);
  const common = new Set<string>();
  for (const word of [...dictionary['commonWords-en'], ...dictionary['wikipedia-en']]) {
    if (!names.has(word)) common.add(word);
  }
  return (word: string) => common.has(word.toLowerCase());
}
