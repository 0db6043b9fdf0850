import type { ValueTransformer } from 'typeorm';

import { RequestContext } from '../context/request-context.js';
import { CrossTenantAccessError } from '../database/tenant-subscriber.js';
import { KeyDestroyedError } from './errors.js';
import { isEncryptedEnvelope, readEnvelopeParts, type ParsedEnvelope } from './field-envelope.js';
import { ERASED_VALUE, FieldEncryption } from './field-encryption.js';

/**
 * How a column stores its value:
 * - `text`: a string column that contains one envelope;
 * - `json`: a `simple-json` column whose whole value is encrypted as one envelope;
 * - `json-fields`: a `simple-json` object column where only the values of sensitive keys
 *   (see `FieldEncryption.setSensitiveFieldResolver`) are envelopes.
 */
export type EncryptedColumnFormat = 'text' | 'json' | 'json-fields';

/**
 * TypeORM transformer that encrypts a column with the tenant's data key on write and decrypts it
 * on read. The tenant comes from the request context, which TenantDatabase enters for every unit
 * of work. Key rotation finds encrypted columns through this class in the entity metadata.
 *
 * Values that pass through unchanged: null, undefined, the empty string, and (on write) an
 * envelope that already authenticates for this tenant and column, such as one encrypted with a
 * data subject key. On read, a value that is not an envelope is returned as stored, so rows
 * written before encryption was enabled stay readable until `keys rotate` encrypts them.
 */
export class EncryptedColumnTransformer implements ValueTransformer {
  constructor(
    /** Column name used in the additional authenticated data, for example `users.email`. */
    readonly context: string,
    readonly format: EncryptedColumnFormat,
  ) {}

  to(value: unknown): unknown {
    if (value === null || value === undefined) return value;
    const tenantId = RequestContext.tenantId();
    const encryption = FieldEncryption.forTenant(tenantId);
    switch (this.format) {
      case 'text':
        return typeof value === 'string'
          ? sealText(encryption, tenantId, this.context, value)
          : value;
      case 'json':
        return sealText(encryption, tenantId, this.context, JSON.stringify(value));
      case 'json-fields':
        return sealFields(encryption, tenantId, this.context, value);
    }
  }

  from(value: unknown): unknown {
    if (value === null || value === undefined) return value;
    const tenantId = RequestContext.find()?.tenantId;
    switch (this.format) {
      case 'text':
        return typeof value === 'string' ? openText(this.context, value, tenantId) : value;
      case 'json': {
        const envelope = readEnvelopeParts(value);
        if (envelope === undefined) return value;
        const text = openEnvelope(this.context, value as string, envelope, tenantId);
        return text === ERASED_VALUE ? null : (JSON.parse(text) as unknown);
      }
      case 'json-fields':
        return openFields(this.context, value, tenantId);
    }
  }
}

/** Transformer for a text column holding one encrypted string. */
export function encryptedText(context: string): EncryptedColumnTransformer {
  return new EncryptedColumnTransformer(context, 'text');
}

/** Transformer for a `simple-json` column encrypted as a whole. */
export function encryptedJson(context: string): EncryptedColumnTransformer {
  return new EncryptedColumnTransformer(context, 'json');
}

/** Transformer for a `simple-json` object column whose sensitive keys are encrypted. */
export function encryptedJsonFields(context: string): EncryptedColumnTransformer {
  return new EncryptedColumnTransformer(context, 'json-fields');
}

/** Additional authenticated data context of one key inside a `json-fields` column. */
export function fieldContext(context: string, key: string): string {
  return `${context}.${key}`;
}

function sealText(
  encryption: FieldEncryption,
  tenantId: string,
  context: string,
  value: string,
): string {
  if (value === '') return value;
  if (isEncryptedEnvelope(value) && encryption.authenticates(value, context, tenantId))
    return value;
  return encryption.encrypt(tenantId, context, value);
}

function openText(context: string, value: string, tenantId: string | undefined): string {
  const envelope = readEnvelopeParts(value);
  return envelope === undefined ? value : openEnvelope(context, value, envelope, tenantId);
}

/** Decrypts a stored envelope, given as text and as parsed parts, through the plaintext cache. */
function openEnvelope(
  context: string,
  text: string,
  envelope: ParsedEnvelope,
  tenantId: string | undefined,
): string {
  const owner = tenantOfKeyId(envelope.keyId);
  if (tenantId !== undefined && owner !== tenantId) {
    // The same error as the tenant subscriber raises for the row itself, which runs after this.
    throw new CrossTenantAccessError('load', `${context} value`);
  }
  const encryption = FieldEncryption.forTenant(owner);
  try {
    return encryption.decryptStored(text, envelope, context, tenantId);
  } catch (error) {
    if (error instanceof KeyDestroyedError) return ERASED_VALUE;
    throw error;
  }
}

function sealFields(
  encryption: FieldEncryption,
  tenantId: string,
  context: string,
  value: unknown,
): unknown {
  if (typeof value !== 'object' || Array.isArray(value)) return value;
  const sensitive = encryption.sensitiveFieldsOf(context, tenantId);
  if (sensitive.size === 0) return value;
  const sealed: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    sealed[key] =
      sensitive.has(key) && item !== null && item !== undefined
        ? sealText(encryption, tenantId, fieldContext(context, key), JSON.stringify(item))
        : item;
  }
  return sealed;
}

function openFields(context: string, value: unknown, tenantId: string | undefined): unknown {
  if (typeof value !== 'object' || Array.isArray(value)) return value;
  const opened: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const envelope = readEnvelopeParts(item);
    if (envelope === undefined) {
      opened[key] = item;
      continue;
    }
    const text = openEnvelope(fieldContext(context, key), item as string, envelope, tenantId);
    opened[key] = text === ERASED_VALUE ? ERASED_VALUE : (JSON.parse(text) as unknown);
  }
  return opened;
}

/** Tenant id from an envelope's key id (`dek.<tenantId>.v<n>` or `sk.<tenantId>.…`). */
function tenantOfKeyId(keyId: string): string {
  return keyId.split('.')[1] ?? '';
}
