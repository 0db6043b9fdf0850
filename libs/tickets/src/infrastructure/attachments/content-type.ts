import { fileTypeFromBuffer } from 'file-type';

/**
 * Detects the media type from the bytes themselves (file-type's magic numbers), ignoring the
 * type and name the client sent. Content that file-type does not know is `text/plain` when it
 * is valid UTF-8 without NUL bytes, and `application/octet-stream` otherwise.
 */
export async function sniffContentType(content: Buffer): Promise<{ mime: string; extension?: string }> {
  const detected = await fileTypeFromBuffer(content);
  if (detected) return { mime: detected.mime, extension: detected.ext };
  if (content.length > 0 && !content.includes(0) && isUtf8(content)) return { mime: 'text/plain', extension: 'txt' };
  return { mime: 'application/octet-stream' };
}

function isUtf8(content: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(content);
    return true;
  } catch {
    return false;
  }
}
