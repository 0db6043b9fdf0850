import { Logger } from '@nestjs/common';

import { DecryptionFailedError, KeyStoreError } from './errors.js';
import { decryptField, encryptField, envelopeKeyId, type DataKey, type ParsedEnvelope } from './field-envelope.js';
import { blindIndex, type BlindIndexNormalization } from './blind-index.js';
import { KeyRing, type TenantKeyInfo } from './key-ring.js';
import { parseKeyId, tenantKeyId } from './key-ids.js';
import { KeyStoreLayout, scanKeyFiles } from './key-store-layout.js';
import { readJsonFile } from './key-store-files.js';
import type { MasterKeySource } from './master-key.js';
import { PlaintextCache } from './plaintext-cache.js';

/** Returns the jurisdiction (ISO 3166-1 alpha-2) of a tenant, or undefined for an unknown one. */
export type JurisdictionResolver = (tenantId: string) => Promise<string | undefined>;

/** Returns the custom field names that a tenant's configuration marks as sensitive. */
export type SensitiveFieldResolver = (tenantId: string) => ReadonlySet<string>;

export interface FieldEncryptionOptions {
  /** Folder of the wrapped key files, outside the database files. */
  keyStoreDir: string;
  /** Data folder, where `master.key` is generated when no master key is configured. */
  dataDir: string;
  masterKeyFile?: string;
  masterKey?: string;
  /**
   * How long the active data key of a tenant is used before the key store is scanned again, so
   * a rotation made by another process (the CLI) is picked up within this time. Defaults to 1 s.
   */
  activeKeyRefreshMs?: number;
  /**
   * Bytes of decrypted values of tenant data keys kept for `decryptStored`, so that rows read
   * again are not decrypted again. 0, the default, keeps none.
   */
  plaintextCacheBytes?: number;
}

interface ActiveKeyEntry {
  keyId: string;
  refreshAt: number;
}

/** Placeholder returned for a value whose subject key was destroyed (crypto-shredding). */
export const ERASED_VALUE = '[erased]';

const DEFAULT_REFRESH_MS = 1_000;
/** Key id prefix of tenant data keys; see key-ids.ts. */
const TENANT_KEY_PREFIX = 'dek.';
const TENANT_RECORD_FORMAT = 'ticket-masala/tenant/v1';

/**
 * Field encryption for one key store: encrypts values under the tenant's active data key (or a
 * data subject's key), decrypts envelopes by their key id and computes blind indexes.
 *
 * Every method is synchronous, so TypeORM column transformers can call it. The jurisdiction of a
 * tenant must therefore be known before its first value is encrypted: `prepareTenant` loads it,
 * and TenantDatabase calls it before every unit of work.
 *
 * Additional authenticated data is `tenant:<tenantId>:<context>`, where the context names the
 * column (for example `users.email`), so an envelope copied to another tenant or column fails
 * to decrypt.
 */
export class FieldEncryption {
  private readonly logger = new Logger(FieldEncryption.name);
  private readonly layout: KeyStoreLayout;
  private readonly jurisdictions = new Map<string, string>();
  private readonly activeKeys = new Map<string, ActiveKeyEntry>();
  private readonly sensitiveFields = new Map<string, SensitiveFieldResolver>();
  private readonly refreshMs: number;
  private readonly plaintexts: PlaintextCache;
  private jurisdictionResolver?: JurisdictionResolver;
  private closed = false;

  private constructor(
    readonly ring: KeyRing,
    refreshMs: number,
    plaintextCacheBytes: number,
  ) {
    this.layout = new KeyStoreLayout(ring.keyStoreDir);
    this.refreshMs = refreshMs;
    this.plaintexts = new PlaintextCache(plaintextCacheBytes);
  }

  /**
   * Opens the key store and registers the instance for the column transformers. Logs the key
   * store's warnings, such as a master key generated in the data folder.
   */
  static open(options: FieldEncryptionOptions): FieldEncryption {
    const env = {
      MASALA_MASTER_KEY_FILE: options.masterKeyFile,
      MASALA_MASTER_KEY: options.masterKey,
    };
    const ring = KeyRing.open({ keyStoreDir: options.keyStoreDir, dataDir: options.dataDir, env });
    const encryption = new FieldEncryption(
      ring,
      options.activeKeyRefreshMs ?? DEFAULT_REFRESH_MS,
      options.plaintextCacheBytes ?? 0,
    );
    for (const warning of ring.warnings) encryption.logger.warn(warning);
    registry.add(encryption);
    return encryption;
  }

  /**
   * Returns the open instance that serves a tenant, for the column transformers. A process
   * normally has one; tests may start several applications, each with its own key store.
   */
  static forTenant(tenantId: string): FieldEncryption {
    let fallback: FieldEncryption | undefined;
    for (const instance of registry) {
      if (instance.jurisdictions.has(tenantId)) return instance;
      fallback ??= instance;
    }
    if (fallback === undefined) {
      throw new KeyStoreError(
        'Field encryption is not open: start the application (KernelModule) before reading or ' +
          'writing encrypted columns.',
      );
    }
    return fallback;
  }

  get keyStoreDir(): string {
    return this.ring.keyStoreDir;
  }

  get masterKeySource(): MasterKeySource {
    return this.ring.masterKeySource;
  }

  /** Sets how `prepareTenant` finds the jurisdiction of a tenant it has not seen. */
  setJurisdictionResolver(resolver: JurisdictionResolver): void {
    this.jurisdictionResolver = resolver;
  }

  /** Sets which keys of a JSON column with per-field encryption are encrypted. */
  setSensitiveFieldResolver(context: string, resolver: SensitiveFieldResolver): void {
    this.sensitiveFields.set(context, resolver);
  }

  sensitiveFieldsOf(context: string, tenantId: string): ReadonlySet<string> {
    return this.sensitiveFields.get(context)?.(tenantId) ?? EMPTY_SET;
  }

  /** Records a tenant's jurisdiction, as the tenant registry does when it loads a tenant. */
  rememberTenant(tenantId: string, jurisdiction: string): void {
    this.jurisdictions.set(tenantId, jurisdiction.toUpperCase());
  }

  /**
   * Makes the tenant's jurisdiction available to the synchronous methods: from memory, from the
   * key store's tenant record, or from the jurisdiction resolver. A tenant that none of them
   * knows is left unprepared, and encrypting for it throws KeyStoreError.
   */
  async prepareTenant(tenantId: string): Promise<void> {
    if (this.jurisdictions.has(tenantId)) return;
    const stored = this.storedJurisdiction(tenantId);
    const jurisdiction = stored ?? (await this.jurisdictionResolver?.(tenantId));
    if (jurisdiction !== undefined) this.rememberTenant(tenantId, jurisdiction);
  }

  jurisdictionOf(tenantId: string): string {
    const known = this.jurisdictions.get(tenantId) ?? this.storedJurisdiction(tenantId);
    if (known === undefined) {
      throw new KeyStoreError(
        `The jurisdiction of tenant ${tenantId} is unknown, so no data key can be chosen. ` +
          'Reach tenant data through TenantDatabase, which prepares the tenant first.',
      );
    }
    this.jurisdictions.set(tenantId, known);
    return known;
  }

  /** Encrypts a value under the tenant's active data key. */
  encrypt(tenantId: string, context: string, plaintext: string): string {
    return encryptField(plaintext, this.activeKey(tenantId), aadFor(tenantId, context));
  }

  /**
   * Decrypts an envelope made by `encrypt` or `encryptForSubject`. Without `tenantId` the tenant
   * is taken from the envelope's key id. Throws KeyDestroyedError once the subject key is gone.
   * The envelope may come parsed, from `readEnvelopeParts`.
   */
  decrypt(envelope: string | ParsedEnvelope, context: string, tenantId?: string): string {
    const keyId = typeof envelope === 'string' ? envelopeKeyId(envelope) : envelope.keyId;
    const owner = tenantOfKey(keyId);
    if (tenantId !== undefined && owner !== tenantId) {
      throw new DecryptionFailedError(
        keyId,
        `Envelope key ${keyId} belongs to another tenant than ${tenantId}, so it is not decrypted.`,
      );
    }
    return decryptField(envelope, this.ring.resolve, aadFor(owner, context));
  }

  /**
   * Decrypts a stored envelope as `decrypt` does, given both its text and its parsed parts, and
   * keeps the plaintext of a tenant data key's envelope in the plaintext cache. Values of subject
   * keys are never cached, because destroying a subject key must make them unreadable at once in
   * every process.
   */
  decryptStored(text: string, envelope: ParsedEnvelope, context: string, tenantId?: string): string {
    const keyId = envelope.keyId;
    // A tenant key id is `dek.<tenantId>.v<n>`. Any other owner goes to `decrypt`, which rejects it.
    const cacheable =
      keyId.startsWith(TENANT_KEY_PREFIX) && (tenantId === undefined || keyId.split('.')[1] === tenantId);
    if (!cacheable) return this.decrypt(envelope, context, tenantId);
    const cached = this.plaintexts.get(context, text);
    if (cached !== undefined) return cached;
    const plaintext = this.decrypt(envelope, context, tenantId);
    this.plaintexts.set(context, text, plaintext);
    return plaintext;
  }

  /**
   * Empties the plaintext cache. Erasure, redaction and retention call it after they commit, so
   * the plaintexts of the envelopes they replaced leave memory at once instead of on eviction.
   */
  forgetPlaintexts(): void {
    this.plaintexts.clear();
  }

  /** Number of values in the plaintext cache, and their estimated size in bytes. */
  get plaintextCacheUsage(): { entries: number; bytes: number } {
    return { entries: this.plaintexts.size, bytes: this.plaintexts.usedBytes };
  }

  /** Returns whether an envelope decrypts for this tenant and context. */
  authenticates(envelope: string, context: string, tenantId: string): boolean {
    try {
      this.decrypt(envelope, context, tenantId);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Encrypts a value under the key of one data subject (a user id), creating the key on first
   * use. `destroySubjectKey` makes every such value unreadable, which erases it everywhere,
   * backups included, without rewriting them.
   */
  encryptForSubject(
    tenantId: string,
    subjectId: string,
    context: string,
    plaintext: string,
  ): string {
    this.activeKey(tenantId);
    const key = this.ring.subjectKey(tenantId, subjectId, { create: true });
    return encryptField(plaintext, key, aadFor(tenantId, context));
  }

  /** Crypto-shreds a data subject's keys. Returns whether a key existed. */
  destroySubjectKey(tenantId: string, subjectId: string): boolean {
    this.plaintexts.clear();
    return this.ring.destroySubjectKey(tenantId, subjectId);
  }

  hasSubjectKey(tenantId: string, subjectId: string): boolean {
    return this.ring.hasSubjectKey(tenantId, subjectId);
  }

  /** Keyed HMAC for exact-match lookups on an encrypted column; `context` names the column. */
  blindIndex(
    tenantId: string,
    context: string,
    value: string,
    normalization: BlindIndexNormalization = 'trim-lowercase',
  ): string {
    const key = this.ring.blindIndexKey(tenantId);
    try {
      return blindIndex(value, key, context, { normalization });
    } finally {
      key.fill(0);
    }
  }

  /** Id of the data key that new values of the tenant are encrypted with. */
  activeKeyId(tenantId: string): string {
    return this.activeKey(tenantId).id;
  }

  /** Makes a new data key version the active one, in this process at once. */
  rotateTenantKey(tenantId: string): DataKey {
    const key = this.ring.rotateTenantKey(tenantId, this.jurisdictionOf(tenantId));
    this.plaintexts.clear();
    this.activeKeys.set(tenantId, { keyId: key.id, refreshAt: Date.now() + this.refreshMs });
    return key;
  }

  listTenantKeys(tenantId: string): TenantKeyInfo[] {
    return this.ring.listTenantKeys(tenantId);
  }

  /** Deletes a data key version that no stored value uses any more. */
  retireKey(keyId: string): void {
    this.plaintexts.clear();
    this.ring.retireKey(keyId);
  }

  /** The time after which other processes have picked up a rotation made now, in milliseconds. */
  get activeKeyRefreshMs(): number {
    return this.refreshMs;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    registry.delete(this);
    this.activeKeys.clear();
    this.plaintexts.clear();
    this.ring.close();
  }

  private activeKey(tenantId: string): DataKey {
    const now = Date.now();
    const cached = this.activeKeys.get(tenantId);
    if (cached !== undefined && cached.refreshAt > now) {
      return this.ring.dataKeyById(cached.keyId);
    }

    const version = this.scanActiveVersion(tenantId);
    const key =
      version === undefined
        ? this.ring.tenantDataKey(tenantId, this.jurisdictionOf(tenantId))
        : this.ring.dataKeyById(tenantKeyId(tenantId, version));
    if (cached !== undefined && cached.keyId !== key.id) {
      this.logger.log({ message: 'Switched to a new data key', tenantId, keyId: key.id });
    }
    this.activeKeys.set(tenantId, { keyId: key.id, refreshAt: now + this.refreshMs });
    return key;
  }

  /** Reads the highest data key version that has key material and no retirement tombstone. */
  private scanActiveVersion(tenantId: string): number | undefined {
    const scan = scanKeyFiles(this.layout.dataKeysDir(tenantId), 'v', 'retired');
    let active: number | undefined;
    for (const version of scan.withKey) {
      if (!scan.withTombstone.has(version) && (active === undefined || version > active)) {
        active = version;
      }
    }
    return active;
  }

  private storedJurisdiction(tenantId: string): string | undefined {
    const record = readJsonFile(this.layout.tenantFile(tenantId));
    if (
      typeof record === 'object' &&
      record !== null &&
      (record as Record<string, unknown>)['format'] === TENANT_RECORD_FORMAT
    ) {
      const jurisdiction = (record as Record<string, unknown>)['jurisdiction'];
      return typeof jurisdiction === 'string' ? jurisdiction : undefined;
    }
    return undefined;
  }
}

const registry = new Set<FieldEncryption>();
const EMPTY_SET: ReadonlySet<string> = new Set();

function aadFor(tenantId: string, context: string): string {
  return `tenant:${tenantId}:${context}`;
}

function tenantOfKey(keyId: string): string {
  const parsed = parseKeyId(keyId);
  if (parsed.level === 'jurisdiction') {
    throw new DecryptionFailedError(
      keyId,
      `${keyId} is a key-encryption key and encrypts no values.`,
    );
  }
  return parsed.tenantId;
}
