import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import { MissingRequestContextError, RequestContext } from '../context/request-context.js';
import { encryptedJson, encryptedJsonFields, encryptedText } from './encrypted-column.js';
import { DecryptionFailedError, KeyStoreError } from './errors.js';
import { envelopeKeyId, readEnvelopeParts } from './field-envelope.js';
import { ERASED_VALUE, FieldEncryption } from './field-encryption.js';

const TENANT = '5b0f7e1c-0000-4000-8000-000000000001';
const OTHER = '5b0f7e1c-0000-4000-8000-000000000002';

describe('FieldEncryption', () => {
  let root: string;
  let encryption: FieldEncryption;

  const open = (refreshMs = 1_000, plaintextCacheBytes = 0) =>
    FieldEncryption.open({
      keyStoreDir: join(root, 'keys'),
      dataDir: join(root, 'data'),
      masterKey: masterKey.toString('base64'),
      activeKeyRefreshMs: refreshMs,
      plaintextCacheBytes,
    });
  /** Replaces the instance under test with one that has a plaintext cache. */
  const reopenWithCache = () => {
    encryption.close();
    encryption = open(1_000, 64 * 1024);
    encryption.rememberTenant(TENANT, 'BE');
    encryption.rememberTenant(OTHER, 'NL');
  };
  const masterKey = randomBytes(32);

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'masala-field-encryption-'));
    encryption = open();
    encryption.rememberTenant(TENANT, 'BE');
    encryption.rememberTenant(OTHER, 'NL');
  });

  afterEach(() => {
    encryption.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('round-trips a value under the tenant data key', () => {
    const envelope = encryption.encrypt(TENANT, 'users.email', 'jan@example.be');
    expect(envelope).not.toContain('jan');
    expect(envelopeKeyId(envelope)).toBe(`dek.${TENANT}.v1`);
    expect(encryption.decrypt(envelope, 'users.email', TENANT)).toBe('jan@example.be');
  });

  it('rejects an envelope moved to another column', () => {
    const envelope = encryption.encrypt(TENANT, 'users.email', 'jan@example.be');
    expect(() => encryption.decrypt(envelope, 'users.display_name', TENANT)).toThrow(
      DecryptionFailedError,
    );
  });

  it('rejects an envelope read as another tenant', () => {
    const envelope = encryption.encrypt(TENANT, 'users.email', 'jan@example.be');
    expect(() => encryption.decrypt(envelope, 'users.email', OTHER)).toThrow(DecryptionFailedError);
  });

  it('wraps each tenant key with its jurisdiction key', () => {
    encryption.encrypt(TENANT, 'users.email', 'a');
    encryption.encrypt(OTHER, 'users.email', 'b');
    expect(encryption.listTenantKeys(TENANT)[0]?.wrappingKeyId).toBe('kek.BE');
    expect(encryption.listTenantKeys(OTHER)[0]?.wrappingKeyId).toBe('kek.NL');
  });

  it('refuses to encrypt for a tenant of unknown jurisdiction', () => {
    expect(() => encryption.encrypt('unknown-tenant', 'users.email', 'x')).toThrow(KeyStoreError);
  });

  it('learns the jurisdiction through the resolver', async () => {
    encryption.setJurisdictionResolver(async (tenantId) =>
      tenantId === 'late-tenant' ? 'DE' : undefined,
    );
    await encryption.prepareTenant('late-tenant');
    expect(encryption.jurisdictionOf('late-tenant')).toBe('DE');
  });

  it('encrypts new values under the rotated key', () => {
    const before = encryption.encrypt(TENANT, 'tickets.description', 'printer on fire');
    const rotated = encryption.rotateTenantKey(TENANT);
    const after = encryption.encrypt(TENANT, 'tickets.description', 'printer on fire');
    expect(envelopeKeyId(after)).toBe(rotated.id);
    expect(rotated.id).toBe(`dek.${TENANT}.v2`);
    expect(encryption.decrypt(before, 'tickets.description')).toBe('printer on fire');
  });

  it('picks up a rotation made by another process', () => {
    const fresh = open(0);
    try {
      fresh.rememberTenant(TENANT, 'BE');
      expect(fresh.activeKeyId(TENANT)).toBe(encryption.activeKeyId(TENANT));
      encryption.rotateTenantKey(TENANT);
      expect(fresh.activeKeyId(TENANT)).toBe(`dek.${TENANT}.v2`);
    } finally {
      fresh.close();
    }
  });

  it('erases subject values when the subject key is destroyed', () => {
    const envelope = encryption.encryptForSubject(
      TENANT,
      'user-1',
      'users.email',
      'jan@example.be',
    );
    expect(envelopeKeyId(envelope)).toBe(`sk.${TENANT}.user-1.g1`);
    const column = encryptedText('users.email');
    RequestContext.run({ correlationId: 'test', tenantId: TENANT }, () => {
      expect(column.from(envelope)).toBe('jan@example.be');
      encryption.destroySubjectKey(TENANT, 'user-1');
      expect(column.from(envelope)).toBe(ERASED_VALUE);
    });
  });

  it('caches tenant key values read through a column', () => {
    reopenWithCache();
    const envelope = encryption.encrypt(TENANT, 'tickets.description', 'Floor 3');
    const column = encryptedText('tickets.description');
    RequestContext.run({ correlationId: 'test', tenantId: TENANT }, () => {
      expect(column.from(envelope)).toBe('Floor 3');
      expect(column.from(envelope)).toBe('Floor 3');
    });

    expect(encryption.plaintextCacheUsage.entries).toBe(1);
  });

  it('never caches subject key values', () => {
    reopenWithCache();
    const envelope = encryption.encryptForSubject(TENANT, 'user-1', 'users.email', 'jan@example.be');
    const column = encryptedText('users.email');
    RequestContext.run({ correlationId: 'test', tenantId: TENANT }, () => {
      expect(column.from(envelope)).toBe('jan@example.be');
      expect(encryption.plaintextCacheUsage.entries).toBe(0);
      encryption.destroySubjectKey(TENANT, 'user-1');
      expect(column.from(envelope)).toBe(ERASED_VALUE);
    });
  });

  it('rejects a cached envelope read as another tenant or column', () => {
    reopenWithCache();
    const envelope = encryption.encrypt(TENANT, 'tickets.description', 'Floor 3');
    const parts = readEnvelopeParts(envelope)!;
    expect(encryption.decryptStored(envelope, parts, 'tickets.description', TENANT)).toBe('Floor 3');

    expect(() => encryption.decryptStored(envelope, parts, 'tickets.description', OTHER)).toThrow(
      DecryptionFailedError,
    );
    expect(() => encryption.decryptStored(envelope, parts, 'tickets.title', TENANT)).toThrow(
      DecryptionFailedError,
    );
  });

  it('empties the plaintext cache on rotation and erasure', () => {
    reopenWithCache();
    const envelope = encryption.encrypt(TENANT, 'tickets.description', 'Floor 3');
    const parts = readEnvelopeParts(envelope)!;
    encryption.decryptStored(envelope, parts, 'tickets.description', TENANT);
    encryption.rotateTenantKey(TENANT);
    expect(encryption.plaintextCacheUsage.entries).toBe(0);

    encryption.decryptStored(envelope, parts, 'tickets.description', TENANT);
    encryption.destroySubjectKey(TENANT, 'user-1');
    expect(encryption.plaintextCacheUsage.entries).toBe(0);
  });

  it('computes a tenant-specific blind index', () => {
    const first = encryption.blindIndex(TENANT, 'users.email', 'Jan@Example.be ');
    expect(first).toBe(encryption.blindIndex(TENANT, 'users.email', 'jan@example.be'));
    expect(first).not.toBe(encryption.blindIndex(OTHER, 'users.email', 'jan@example.be'));
  });
});

describe('EncryptedColumnTransformer', () => {
  let root: string;
  let encryption: FieldEncryption;
  const inTenant = <T>(work: () => T): T =>
    RequestContext.run({ correlationId: 'test', tenantId: TENANT }, work);

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'masala-encrypted-column-'));
    encryption = FieldEncryption.open({
      keyStoreDir: join(root, 'keys'),
      dataDir: join(root, 'data'),
      masterKey: randomBytes(32).toString('base64'),
    });
    encryption.rememberTenant(TENANT, 'BE');
  });

  afterEach(() => {
    encryption.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('encrypts text and decrypts it back', () => {
    const column = encryptedText('tickets.description');
    inTenant(() => {
      const stored = column.to('the server room is flooded') as string;
      expect(stored.startsWith('enc:v1:')).toBe(true);
      expect(column.from(stored)).toBe('the server room is flooded');
    });
  });

  it('passes null, undefined and empty text through', () => {
    const column = encryptedText('users.display_name');
    inTenant(() => {
      expect(column.to(null)).toBeNull();
      expect(column.to(undefined)).toBeUndefined();
      expect(column.to('')).toBe('');
    });
  });

  it('reads plaintext written before encryption', () => {
    expect(inTenant(() => encryptedText('users.email').from('legacy@example.be'))).toBe(
      'legacy@example.be',
    );
  });

  it('encrypts a forged envelope as plaintext', () => {
    const column = encryptedText('tickets.description');
    const forged = `enc:v1:dek.${TENANT}.v1:${'A'.repeat(16)}:${'B'.repeat(32)}`;
    inTenant(() => {
      const stored = column.to(forged) as string;
      expect(stored).not.toBe(forged);
      expect(column.from(stored)).toBe(forged);
    });
  });

  it('keeps an envelope that already authenticates', () => {
    const column = encryptedText('users.email');
    const sealed = encryption.encryptForSubject(TENANT, 'user-9', 'users.email', 'x@example.be');
    expect(inTenant(() => column.to(sealed))).toBe(sealed);
  });

  it('encrypts a whole JSON value', () => {
    const column = encryptedJson('audit_log_entries.new_values');
    inTenant(() => {
      const stored = column.to({ email: 'jan@example.be', roles: ['Admin'] }) as string;
      expect(stored).not.toContain('jan');
      expect(column.from(stored)).toEqual({ email: 'jan@example.be', roles: ['Admin'] });
    });
  });

  it('encrypts only the sensitive JSON fields', () => {
    const column = encryptedJsonFields('tickets.custom_fields');
    encryption.setSensitiveFieldResolver('tickets.custom_fields', () => new Set(['diagnosis']));
    inTenant(() => {
      const stored = column.to({ diagnosis: 'fracture', urgency: 'High' }) as Record<
        string,
        unknown
      >;
      expect(stored['urgency']).toBe('High');
      expect(String(stored['diagnosis']).startsWith('enc:v1:')).toBe(true);
      expect(column.from(stored)).toEqual({ diagnosis: 'fracture', urgency: 'High' });
    });
  });

  it('throws outside a tenant context on write', () => {
    expect(() => encryptedText('users.email').to('x')).toThrow(MissingRequestContextError);
  });
});
