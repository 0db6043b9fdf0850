import { isAbsolute, join, resolve } from 'node:path';

import { ISO_3166_ALPHA2_CODES } from '../crypto/iso-3166.js';

/** Settings for encryption at rest, data residency, rate limits and request size limits. */
export interface DataProtectionSettings {
  /** Folder of the wrapped key files (MASALA_KEY_STORE_DIR), by default `<data dir>/keys`. */
  keyStoreDir: string;
  /** Jurisdiction this instance is configured for (MASALA_JURISDICTION); restores check it. */
  jurisdiction?: string;
  /** Folder per jurisdiction for the SQLite files of dedicated tenants. */
  jurisdictionFolders: Record<string, string>;
  /**
   * Requests per minute per user or API key within a tenant, and per client address for
   * requests without valid credentials.
   */
  clientRateLimitPerMinute: number;
  /** Login attempts per minute per client address, and separately per account. */
  loginRateLimitPerMinute: number;
  /** Largest total size of the request line and headers, in bytes. */
  maxHeaderBytes: number;
  /** Largest uploaded attachment, in bytes. */
  maxAttachmentBytes: number;
  /**
   * Bytes of decrypted field values kept in memory, so that rows read again are not decrypted
   * again (MASALA_DECRYPTED_CACHE_MIB). 0 keeps none.
   */
  decryptedCacheBytes: number;
}

type Env = Record<string, string | undefined>;

/**
 * Reads the data protection settings, adding one message to `problems` per invalid value.
 * `dataDir` must already be absolute.
 */
export function loadDataProtectionSettings(
  env: Env,
  cwd: string,
  dataDir: string,
  problems: string[],
): DataProtectionSettings {
  const text = (name: string): string | undefined => env[name]?.trim() || undefined;
  const absolute = (value: string): string => (isAbsolute(value) ? value : resolve(cwd, value));
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name}="${raw}" is invalid: expected a whole number from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };

  const jurisdiction = text('MASALA_JURISDICTION')?.toUpperCase();
  if (jurisdiction !== undefined && !ISO_3166_ALPHA2_CODES.has(jurisdiction)) {
    problems.push(
      `MASALA_JURISDICTION="${jurisdiction}" is invalid: ` +
        'expected an ISO 3166-1 alpha-2 code such as BE',
    );
  }

  return {
    keyStoreDir: absolute(text('MASALA_KEY_STORE_DIR') ?? join(dataDir, 'keys')),
    jurisdiction,
    jurisdictionFolders: parseJurisdictionFolders(
      text('MASALA_JURISDICTION_FOLDERS'),
      absolute,
      problems,
    ),
    clientRateLimitPerMinute: integer('MASALA_CLIENT_RATE_LIMIT_PER_MINUTE', 300, 1, 10_000_000),
    loginRateLimitPerMinute: integer('MASALA_LOGIN_RATE_LIMIT_PER_MINUTE', 30, 1, 100_000),
    maxHeaderBytes: integer('MASALA_MAX_HEADER_BYTES', 16 * 1024, 1024, 1024 * 1024),
    maxAttachmentBytes: integer('MASALA_MAX_ATTACHMENT_BYTES', 25 * 1024 * 1024, 1, 2 * 1024 ** 3),
    decryptedCacheBytes: integer('MASALA_DECRYPTED_CACHE_MIB', 8, 0, 1024) * 1024 * 1024,
  };
}

/** Parses `BE=/srv/be,NL=/srv/nl` into upper-case codes and absolute folders. */
function parseJurisdictionFolders(
  raw: string | undefined,
  absolute: (value: string) => string,
  problems: string[],
): Record<string, string> {
  const folders: Record<string, string> = {};
  if (raw === undefined) return folders;
  for (const entry of raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)) {
    const separator = entry.indexOf('=');
    const code = entry.slice(0, Math.max(separator, 0)).trim().toUpperCase();
    const folder = entry.slice(separator + 1).trim();
    if (separator < 1 || folder === '' || !ISO_3166_ALPHA2_CODES.has(code)) {
      problems.push(
        `MASALA_JURISDICTION_FOLDERS entry "${entry}" is invalid: ` +
          'expected <ISO 3166-1 code>=<folder>, such as BE=/srv/masala/be',
      );
      continue;
    }
    if (folders[code] !== undefined) {
      problems.push(
        `MASALA_JURISDICTION_FOLDERS names ${code} twice: give each jurisdiction one folder`,
      );
      continue;
    }
    folders[code] = absolute(folder);
  }
  return folders;
}
