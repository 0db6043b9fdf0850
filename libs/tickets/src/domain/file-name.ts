export const MAX_FILE_NAME_BYTES = 200;

/** Characters that are unsafe in file names on common systems or in headers. */
const RESERVED = /[<>:"/\\|?*;=%`$]/g;
/** Control characters, and bidirectional overrides that can disguise an extension (such as `txt.exe`). */
const INVISIBLE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;
/** Device names that Windows refuses as file names, whatever the extension. */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/**
 * Turns a client-supplied file name into a safe display name: the last path segment only,
 * Unicode NFC, no control, format or reserved characters, no leading or trailing dots and
 * spaces, at most 200 UTF-8 bytes with the extension kept. Returns `fallback` when nothing is left.
 */
export function sanitizeFileName(raw: string, fallback: string): string {
  const lastSegment = raw.split(/[/\\]/).pop() ?? '';
  let name = lastSegment
    .normalize('NFC')
    .replace(INVISIBLE, '')
    .replace(RESERVED, '_')
    .replace(/\s+/g, ' ')
    .replace(/^[.\s]+|[.\s]+$/g, '');
  if (WINDOWS_DEVICE.test(name)) name = `_${name}`;
  name = truncateUtf8(name, MAX_FILE_NAME_BYTES);
  return name === '' ? fallback : name;
}

/** Shortens a name to `maxBytes` of UTF-8, cutting the stem so the extension survives. */
function truncateUtf8(name: string, maxBytes: number): string {
  if (Buffer.byteLength(name) <= maxBytes) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  let stem = name.slice(0, name.length - extension.length);
  while (stem.length > 0 && Buffer.byteLength(stem + extension) > maxBytes) {
    stem = Array.from(stem).slice(0, -1).join('');
  }
  return stem + extension;
}
