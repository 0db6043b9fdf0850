import { InvalidIdentifierError } from './errors.js';
import { ISO_3166_ALPHA2_CODES } from './iso-3166.js';

/**
 * Key ids name their level in the first segment:
 * - `kek.<jurisdiction>`: key-encryption key of a jurisdiction, for example `kek.BE`;
 * - `dek.<tenantId>.v<version>`: tenant data key version, for example `dek.acme.v2`;
 * - `sk.<tenantId>.<subjectId>.g<generation>`: data subject key, for example `sk.acme.u42.g1`.
 *
 * Tenant and subject ids cannot contain dots, so each id parses back unambiguously. A new
 * generation of a subject key gets a new id, so an id never refers to two different keys.
 */
export type KeyId =
  | { level: 'jurisdiction'; jurisdiction: string }
  | { level: 'tenant'; tenantId: string; version: number }
  | { level: 'subject'; tenantId: string; subjectId: string; generation: number };

/** Tenant and subject ids become file names, so they are limited to a portable character set. */
const ENTITY_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

export function assertEntityId(kind: 'tenant' | 'subject', id: string): void {
  if (!ENTITY_ID_PATTERN.test(id)) {
    throw new InvalidIdentifierError(
      `Invalid ${kind} id "${id}": use 1 to 128 characters from A-Z, a-z, 0-9, "_" and "-".`,
    );
  }
}

/** Returns the upper-case ISO 3166-1 alpha-2 code, or throws for an unassigned code. */
export function normalizeJurisdiction(code: string): string {
  const upper = code.trim().toUpperCase();
  if (!ISO_3166_ALPHA2_CODES.has(upper)) {
    throw new InvalidIdentifierError(
      `Invalid jurisdiction "${code}": ` +
        'expected an assigned ISO 3166-1 alpha-2 code such as BE, NL or DE.',
    );
  }
  return upper;
}

export function jurisdictionKeyId(jurisdiction: string): string {
  return `kek.${jurisdiction}`;
}

export function tenantKeyId(tenantId: string, version: number): string {
  return `dek.${tenantId}.v${version}`;
}

export function subjectKeyId(tenantId: string, subjectId: string, generation: number): string {
  return `sk.${tenantId}.${subjectId}.g${generation}`;
}

/** Parses a key id made by this module, or throws InvalidIdentifierError. */
export function parseKeyId(keyId: string): KeyId {
  const parts = keyId.split('.');
  const [level] = parts;

  if (level === 'kek' && parts.length === 2 && ISO_3166_ALPHA2_CODES.has(parts[1] ?? '')) {
    return { level: 'jurisdiction', jurisdiction: parts[1] as string };
  }

  if (level === 'dek' && parts.length === 3) {
    const [, tenantId, versionText] = parts as [string, string, string];
    const version = parseCounter(versionText, 'v');
    if (ENTITY_ID_PATTERN.test(tenantId) && version !== undefined) {
      return { level: 'tenant', tenantId, version };
    }
  }

  if (level === 'sk' && parts.length === 4) {
    const [, tenantId, subjectId, generationText] = parts as [string, string, string, string];
    const generation = parseCounter(generationText, 'g');
    if (
      ENTITY_ID_PATTERN.test(tenantId) &&
      ENTITY_ID_PATTERN.test(subjectId) &&
      generation !== undefined
    ) {
      return { level: 'subject', tenantId, subjectId, generation };
    }
  }

  throw new InvalidIdentifierError(
    `Invalid key id "${keyId}": expected kek.<jurisdiction>, dek.<tenantId>.v<version> ` +
      'or sk.<tenantId>.<subjectId>.g<generation>.',
  );
}

const COUNTER_PATTERNS = { v: /^v([1-9][0-9]{0,8})$/, g: /^g([1-9][0-9]{0,8})$/ } as const;

/** Parses `v3` or `g3` style counters. Leading zeros are rejected so each id has one spelling. */
function parseCounter(text: string, prefix: keyof typeof COUNTER_PATTERNS): number | undefined {
  const match = COUNTER_PATTERNS[prefix].exec(text);
  return match ? Number(match[1]) : undefined;
}
