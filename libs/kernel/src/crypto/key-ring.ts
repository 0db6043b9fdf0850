import { hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';

import { KEY_LENGTH } from './aes-gcm.js';
import { deriveBlindIndexKey } from './blind-index.js';
import {
  InvalidIdentifierError,
  KeyDestroyedError,
  KeyNotFoundError,
  KeyRetiredError,
  KeyStoreError,
  MasterKeyMismatchError,
} from './errors.js';
import type { DataKey, DataKeyResolver } from './field-envelope.js';
import { KeyCache } from './key-cache.js';
import {
  assertEntityId,
  jurisdictionKeyId,
  normalizeJurisdiction,
  parseKeyId,
  subjectKeyId,
  tenantKeyId,
} from './key-ids.js';
import { isErrnoException, readJsonFile, shredFile, writeFileAtomic } from './key-store-files.js';
import { KeyStoreLayout, listDirectory, scanKeyFiles } from './key-store-layout.js';
import {
  isRecord,
  parseWrappedKeyRecord,
  unwrapKey,
  wrapKey,
  type WrappedKeyRecord,
  type WrappingKey,
} from './key-wrap.js';
import { loadMasterKey, type MasterKeySource } from './master-key.js';

export interface KeyRingOptions {
  /** Folder for the wrapped key files. It must differ from `dataDir`. */
  keyStoreDir: string;
  /** Data (database) folder, where `master.key` is generated when no master key is configured. */
  dataDir?: string;
  /** Environment with MASALA_MASTER_KEY_FILE or MASALA_MASTER_KEY. Defaults to process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Maximum number of unwrapped keys kept in memory. Defaults to 1024. */
  cacheSize?: number;
}

/**
 * Lifecycle of a tenant data key version. `decrypt-only` versions were replaced by a rotation
 * and still decrypt old values. `retired` versions have had their key material deleted.
 */
export type TenantKeyStatus = 'active' | 'decrypt-only' | 'retired';

export interface TenantKeyInfo {
  keyId: string;
  tenantId: string;
  jurisdiction: string;
  version: number;
  status: TenantKeyStatus;
  /** Id of the jurisdiction key-encryption key that wraps this key. */
  wrappingKeyId: string;
  /** ISO 8601 creation time. */
  createdAt: string;
  /** ISO 8601 retirement time, for retired versions. */
  retiredAt?: string;
}

export interface SubjectKeyOptions {
  /** Creates the subject key when the subject has none, including after destroySubjectKey. */
  create: boolean;
}

const KEY_STORE_FORMAT = 'ticket-masala/key-store/v1';
const TENANT_FORMAT = 'ticket-masala/tenant/v1';
const TOMBSTONE_FORMAT = 'ticket-masala/key-tombstone/v1';
const MASTER_WRAPPING_KEY_ID = 'master';
const MASTER_HKDF_SALT = Buffer.from('ticket-masala/master-key/v1', 'utf8');
const DEFAULT_CACHE_SIZE = 1024;

interface TenantRecord {
  format: typeof TENANT_FORMAT;
  tenantId: string;
  jurisdiction: string;
  createdAt: string;
}

/** Written before a key file is shredded, so a destroyed or retired key id is never reused. */
interface TombstoneRecord {
  format: typeof TOMBSTONE_FORMAT;
  keyId: string;
  state: 'destroyed' | 'retired';
  /** Creation time of the deleted key, when its file was readable. */
  createdAt?: string;
  deletedAt: string;
}

interface TenantVersions {
  /** Highest version that has key material and no tombstone. */
  active: number | undefined;
  /** Highest version seen, including retired ones. */
  highest: number;
  withKey: Set<number>;
  retired: Set<number>;
}

/**
 * File-based key hierarchy for field encryption:
 *
 * master key -> jurisdiction key-encryption key (`kek.BE`) -> tenant data key versions
 * (`dek.<tenantId>.v<n>`) -> data subject keys (`sk.<tenantId>.<subjectId>.g<n>`).
 *
 * Each level is wrapped with AES-256-GCM by the level above and stored as a JSON file under the
 * key store folder. Field values are encrypted with tenant data keys or subject keys. Destroying
 * a subject key crypto-shreds every value encrypted with it.
 *
 * All methods are synchronous so that `resolve` can serve `decryptField` directly. Unwrapped keys
 * are cached, so `tenantDataKey` and `dataKeyById` read files only on a cache miss. `subjectKey`
 * lists the subject's folder on each call.
 *
 * NOTE: one process should write to a key store at a time. New key files are created
 * exclusively, so a concurrent writer cannot replace a new key, and only `retireKey` rewrites
 * existing subject key files. But a process does not see changes made by another one, so a key
 * destroyed or retired elsewhere stays usable from its cache.
 */
export class KeyRing {
  /** `dataKeyById` bound to this ring, to pass as the resolver of `decryptField`. */
  readonly resolve: DataKeyResolver = (keyId) => this.dataKeyById(keyId);

  private readonly layout: KeyStoreLayout;
  private readonly cache: KeyCache;
  private readonly masterWrappingKey: WrappingKey;
  /** Active data key and jurisdiction per tenant, so `tenantDataKey` reads no file on each call. */
  private readonly activeKeys = new Map<string, { keyId: string; jurisdiction: string }>();
  private closed = false;

  private constructor(
    readonly keyStoreDir: string,
    private readonly masterKey: Buffer,
    /** Source of the master key. Log a warning when `kind` is `data-dir`. */
    readonly masterKeySource: MasterKeySource,
    /** Messages to log as warnings, such as a generated master key or a readable key file. */
    readonly warnings: readonly string[],
    cacheSize: number,
  ) {
    this.layout = new KeyStoreLayout(keyStoreDir);
    this.cache = new KeyCache(cacheSize);
    this.masterWrappingKey = {
      id: MASTER_WRAPPING_KEY_ID,
      material: deriveFromMaster(masterKey, 'jurisdiction-key-wrapping'),
    };
  }

  /**
   * Loads the master key, creates the key store folder if needed and checks that the master key
   * is the one that created the key store.
   *
   * Throws MasterKeyError when no valid master key is configured, MasterKeyMismatchError when
   * the key belongs to another key store, and KeyStoreError when the key store folder is the
   * data folder or contains the master key file.
   */
  static open(options: KeyRingOptions): KeyRing {
    const keyStoreDir = resolve(options.keyStoreDir);
    const dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);
    if (dataDir !== undefined && (dataDir === keyStoreDir || isInside(dataDir, keyStoreDir))) {
      throw new KeyStoreError(
        `The key store directory ${keyStoreDir} must differ from the data directory ${dataDir} ` +
          'and must not contain it, so that a copy of the database does not include its keys.',
      );
    }

    const loaded = loadMasterKey({ env: options.env ?? process.env, dataDir });
    if ('path' in loaded.source && isInside(loaded.source.path, keyStoreDir)) {
      loaded.key.fill(0);
      throw new KeyStoreError(
        `The master key file ${loaded.source.path} is inside the key store directory ` +
          `${keyStoreDir}. Move it elsewhere, because the key store must be unreadable without it.`,
      );
    }

    mkdirSync(keyStoreDir, { recursive: true, mode: 0o700 });
    const ring = new KeyRing(
      keyStoreDir,
      loaded.key,
      loaded.source,
      loaded.warnings,
      options.cacheSize ?? DEFAULT_CACHE_SIZE,
    );
    try {
      ring.verifyMasterKey();
    } catch (error) {
      ring.close();
      throw error;
    }
    return ring;
  }

  /**
   * Returns the active data key of a tenant. On first use this records the tenant's
   * jurisdiction and creates version 1, and the jurisdiction key if that is new too.
   *
   * Throws KeyStoreError when the tenant already belongs to another jurisdiction.
   */
  tenantDataKey(tenantId: string, jurisdiction: string): DataKey {
    this.assertOpen();
    assertEntityId('tenant', tenantId);
    const code = normalizeJurisdiction(jurisdiction);

    const cached = this.activeKeys.get(tenantId);
    if (cached !== undefined) {
      this.assertJurisdiction({ tenantId, jurisdiction: cached.jurisdiction }, code);
      return this.dataKeyById(cached.keyId);
    }

    const tenant = this.ensureTenant(tenantId, code);
    const versions = this.scanTenantVersions(tenantId);
    const version = versions.active ?? this.createTenantKeyVersion(tenant, versions.highest + 1);
    return this.rememberActiveKey(tenant, version);
  }

  /**
   * Creates a new data key version and makes it the active one. Older versions become
   * `decrypt-only` until `retireKey` deletes them after re-encryption. Creates the tenant when
   * it has no keys yet.
   */
  rotateTenantKey(tenantId: string, jurisdiction: string): DataKey {
    this.assertOpen();
    assertEntityId('tenant', tenantId);
    const tenant = this.ensureTenant(tenantId, normalizeJurisdiction(jurisdiction));
    const versions = this.scanTenantVersions(tenantId);
    const version = this.createTenantKeyVersion(tenant, versions.highest + 1);
    return this.rememberActiveKey(tenant, version);
  }

  /**
   * Returns the tenant data key or subject key with this id, for decryption.
   *
   * Throws KeyDestroyedError for a destroyed subject key, KeyRetiredError for a retired data key,
   * KeyNotFoundError for an unknown key and InvalidIdentifierError for a jurisdiction key id.
   */
  dataKeyById(keyId: string): DataKey {
    this.assertOpen();
    // The cache also contains jurisdiction keys, whose ids alone start with `kek.`. Every other
    // cached id was parsed before it was stored, so a hit needs no second parse.
    if (!keyId.startsWith('kek.')) {
      const hit = this.cache.get(keyId);
      if (hit !== undefined) return { id: keyId, material: hit };
    }
    const parsed = parseKeyId(keyId);
    if (parsed.level === 'jurisdiction') {
      throw new InvalidIdentifierError(
        `${keyId} is a jurisdiction key-encryption key: ` +
          'it wraps tenant keys and never encrypts field values.',
      );
    }

    const cached = this.cache.get(keyId);
    if (cached !== undefined) {
      return { id: keyId, material: cached };
    }
    const material =
      parsed.level === 'tenant'
        ? this.loadTenantKey(keyId, parsed.tenantId, parsed.version)
        : this.loadSubjectKey(keyId, parsed.tenantId, parsed.subjectId, parsed.generation);
    this.cache.set(keyId, material);
    return { id: keyId, material };
  }

  /**
   * Deletes the key material of a tenant data key version that is no longer active. Call it
   * once every value encrypted with the version was re-encrypted, because those values become
   * unreadable. Subject keys wrapped by the version are first rewrapped with the active version.
   *
   * Retiring a key that is already retired does nothing. Throws KeyStoreError for the active
   * version and InvalidIdentifierError for ids other than `dek.*`.
   */
  retireKey(keyId: string): void {
    this.assertOpen();
    const parsed = parseKeyId(keyId);
    if (parsed.level !== 'tenant') {
      throw new InvalidIdentifierError(
        `Cannot retire ${keyId}: only tenant data keys (dek.*) can be retired. ` +
          'Use destroySubjectKey for subject keys.',
      );
    }
    const { tenantId, version } = parsed;
    const versions = this.scanTenantVersions(tenantId);
    if (versions.retired.has(version)) {
      return;
    }
    if (!versions.withKey.has(version)) {
      throw new KeyNotFoundError(keyId);
    }
    if (versions.active === version) {
      throw new KeyStoreError(
        `Cannot retire ${keyId} because it is the active data key of tenant ${tenantId}. ` +
          'Rotate the tenant key first.',
      );
    }

    const retiring = this.dataKeyById(keyId);
    const active = this.dataKeyById(tenantKeyId(tenantId, versions.active as number));
    this.rewrapSubjectKeys(tenantId, retiring, active);

    const keyFile = this.layout.dataKeyFile(tenantId, version);
    const record = parseWrappedKeyRecord(readJsonFile(keyFile), keyId, keyFile);
    const tombstone = this.layout.dataKeyTombstoneFile(tenantId, version);
    this.writeTombstone(tombstone, keyId, 'retired', record.createdAt);
    this.cache.delete(keyId);
    shredFile(keyFile);
  }

  /** Lists every data key version of a tenant, oldest first. Unknown tenants return []. */
  listTenantKeys(tenantId: string): TenantKeyInfo[] {
    this.assertOpen();
    assertEntityId('tenant', tenantId);
    const tenant = this.readTenant(tenantId);
    if (tenant === undefined) {
      return [];
    }

    const versions = this.scanTenantVersions(tenantId);
    const all = [...new Set([...versions.withKey, ...versions.retired])].sort((a, b) => a - b);
    return all.map((version) => this.describeTenantKey(tenant, version, versions));
  }

  /**
   * Returns the current key of a data subject. With `create: true` a subject without a key gets
   * one, wrapped by the tenant's active data key. With `create: false` it returns undefined.
   *
   * A key created after `destroySubjectKey` is a new generation with a new id, so values
   * encrypted before the destruction stay unreadable.
   */
  subjectKey(tenantId: string, subjectId: string, options: { create: true }): DataKey;
  subjectKey(tenantId: string, subjectId: string, options?: SubjectKeyOptions): DataKey | undefined;
  subjectKey(
    tenantId: string,
    subjectId: string,
    options: SubjectKeyOptions = { create: false },
  ): DataKey | undefined {
    this.assertOpen();
    assertEntityId('tenant', tenantId);
    assertEntityId('subject', subjectId);

    const generations = this.scanSubjectGenerations(tenantId, subjectId);
    if (generations.live !== undefined) {
      return this.dataKeyById(subjectKeyId(tenantId, subjectId, generations.live));
    }
    if (!options.create) {
      return undefined;
    }

    const activeVersion = this.scanTenantVersions(tenantId).active;
    if (activeVersion === undefined) {
      throw new KeyNotFoundError(
        tenantKeyId(tenantId, 1),
        `Tenant ${tenantId} has no active data key to wrap subject keys. ` +
          'Call tenantDataKey(tenantId, jurisdiction) first.',
      );
    }
    const tenantKey = this.dataKeyById(tenantKeyId(tenantId, activeVersion));
    const keyId = subjectKeyId(tenantId, subjectId, generations.highest + 1);
    mkdirSync(this.layout.subjectDir(tenantId, subjectId), { recursive: true, mode: 0o700 });
    this.createWrappedKey(
      this.layout.subjectKeyFile(tenantId, subjectId, generations.highest + 1),
      keyId,
      tenantKey,
    );
    return this.dataKeyById(keyId);
  }

  /** Returns whether the subject has a key that was not destroyed. */
  hasSubjectKey(tenantId: string, subjectId: string): boolean {
    this.assertOpen();
    assertEntityId('tenant', tenantId);
    assertEntityId('subject', subjectId);
    return this.scanSubjectGenerations(tenantId, subjectId).live !== undefined;
  }

  /**
   * Crypto-shreds every key of a data subject: writes a tombstone, then overwrites and unlinks
   * the key file, so values encrypted with the key raise KeyDestroyedError from then on.
   * Returns whether a key was destroyed. See `shredFile` for the limits of the overwrite.
   */
  destroySubjectKey(tenantId: string, subjectId: string): boolean {
    this.assertOpen();
    assertEntityId('tenant', tenantId);
    assertEntityId('subject', subjectId);

    const scan = scanKeyFiles(this.layout.subjectDir(tenantId, subjectId), 'g', 'destroyed');
    let destroyed = false;
    for (const generation of scan.withKey) {
      const keyId = subjectKeyId(tenantId, subjectId, generation);
      const keyFile = this.layout.subjectKeyFile(tenantId, subjectId, generation);
      if (!scan.withTombstone.has(generation)) {
        const createdAt = this.readCreatedAtForTombstone(keyFile, keyId);
        const tombstone = this.layout.subjectTombstoneFile(tenantId, subjectId, generation);
        this.writeTombstone(tombstone, keyId, 'destroyed', createdAt);
        destroyed = true;
      }
      this.cache.delete(keyId);
      shredFile(keyFile);
    }
    return destroyed;
  }

  /** Returns the tenant's 32-byte blind index key, derived from the master key with HKDF. */
  blindIndexKey(tenantId: string): Buffer {
    this.assertOpen();
    return deriveBlindIndexKey(this.masterKey, tenantId);
  }

  /** Zeroes the master key and every cached key. Later calls throw KeyStoreError. */
  close(): void {
    this.cache.clear();
    this.activeKeys.clear();
    this.masterKey.fill(0);
    this.masterWrappingKey.material.fill(0);
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new KeyStoreError(`The key ring for ${this.keyStoreDir} is closed.`);
    }
  }

  /** Compares the master key with the check value in keystore.json, writing it on first open. */
  private verifyMasterKey(): void {
    const path = this.layout.keyStoreFile;
    const check = deriveFromMaster(this.masterKey, 'key-store-check');
    let stored = readJsonFile(path);

    if (stored === undefined) {
      if (listDirectory(this.layout.jurisdictionsDir).length > 0) {
        throw new KeyStoreError(
          `${path} is missing, but the key store ${this.keyStoreDir} contains keys. ` +
            'Restore keystore.json from a backup of this key store.',
        );
      }
      const record = {
        format: KEY_STORE_FORMAT,
        masterKeyCheck: check.toString('base64url'),
        createdAt: new Date().toISOString(),
      };
      if (this.writeJson(path, record, true)) {
        return;
      }
      // Another process created keystore.json first, so compare with its master key.
      stored = readJsonFile(path);
    }

    if (
      !isRecord(stored) ||
      stored['format'] !== KEY_STORE_FORMAT ||
      typeof stored['masterKeyCheck'] !== 'string'
    ) {
      throw new KeyStoreError(`${path} is not a ${KEY_STORE_FORMAT} record.`);
    }
    const expected = Buffer.from(stored['masterKeyCheck'], 'base64url');
    if (expected.length !== check.length || !timingSafeEqual(expected, check)) {
      throw new MasterKeyMismatchError(
        `The master key from ${describeSource(this.masterKeySource)} does not match the ` +
          `key store ${this.keyStoreDir}. Configure the master key that created this key store.`,
      );
    }
  }

  private ensureTenant(tenantId: string, jurisdiction: string): TenantRecord {
    const existing = this.readTenant(tenantId);
    if (existing !== undefined) {
      this.assertJurisdiction(existing, jurisdiction);
      return existing;
    }

    const record: TenantRecord = {
      format: TENANT_FORMAT,
      tenantId,
      jurisdiction,
      createdAt: new Date().toISOString(),
    };
    mkdirSync(this.layout.dataKeysDir(tenantId), { recursive: true, mode: 0o700 });
    if (this.writeJson(this.layout.tenantFile(tenantId), record, true)) {
      return record;
    }
    // Another process registered the tenant first.
    const winner = this.readTenant(tenantId) as TenantRecord;
    this.assertJurisdiction(winner, jurisdiction);
    return winner;
  }

  private assertJurisdiction(
    tenant: Pick<TenantRecord, 'tenantId' | 'jurisdiction'>,
    jurisdiction: string,
  ): void {
    if (tenant.jurisdiction !== jurisdiction) {
      throw new KeyStoreError(
        `Tenant ${tenant.tenantId} belongs to jurisdiction ${tenant.jurisdiction}, not ` +
          `${jurisdiction}. A tenant's keys stay in the jurisdiction where they were created.`,
      );
    }
  }

  private readTenant(tenantId: string): TenantRecord | undefined {
    const path = this.layout.tenantFile(tenantId);
    const value = readJsonFile(path);
    if (value === undefined) {
      return undefined;
    }
    if (
      !isRecord(value) ||
      value['format'] !== TENANT_FORMAT ||
      typeof value['tenantId'] !== 'string' ||
      typeof value['jurisdiction'] !== 'string' ||
      typeof value['createdAt'] !== 'string'
    ) {
      throw new KeyStoreError(`Key store file ${path} is not a ${TENANT_FORMAT} record.`);
    }
    if (value['tenantId'] !== tenantId) {
      // Two tenant ids that differ only in case share a folder on case-insensitive file systems.
      throw new KeyStoreError(
        `Key store file ${path} belongs to tenant ${value['tenantId']}, not ${tenantId}.`,
      );
    }
    return value as unknown as TenantRecord;
  }

  private scanTenantVersions(tenantId: string): TenantVersions {
    const scan = scanKeyFiles(this.layout.dataKeysDir(tenantId), 'v', 'retired');
    let active: number | undefined;
    for (const version of scan.withKey) {
      if (!scan.withTombstone.has(version) && (active === undefined || version > active)) {
        active = version;
      }
    }
    const highest = Math.max(0, ...scan.withKey, ...scan.withTombstone);
    return { active, highest, withKey: scan.withKey, retired: scan.withTombstone };
  }

  private createTenantKeyVersion(tenant: TenantRecord, version: number): number {
    const jurisdictionKey = this.jurisdictionKey(tenant.jurisdiction);
    const keyId = tenantKeyId(tenant.tenantId, version);
    mkdirSync(this.layout.dataKeysDir(tenant.tenantId), { recursive: true, mode: 0o700 });
    const path = this.layout.dataKeyFile(tenant.tenantId, version);
    this.createWrappedKey(path, keyId, jurisdictionKey);
    return version;
  }

  private rememberActiveKey(tenant: TenantRecord, version: number): DataKey {
    const key = this.dataKeyById(tenantKeyId(tenant.tenantId, version));
    this.activeKeys.delete(tenant.tenantId);
    this.activeKeys.set(tenant.tenantId, { keyId: key.id, jurisdiction: tenant.jurisdiction });
    if (this.activeKeys.size > this.cache.maxEntries) {
      const oldest = this.activeKeys.keys().next().value;
      if (oldest !== undefined) {
        this.activeKeys.delete(oldest);
      }
    }
    return key;
  }

  private describeTenantKey(
    tenant: TenantRecord,
    version: number,
    versions: TenantVersions,
  ): TenantKeyInfo {
    const keyId = tenantKeyId(tenant.tenantId, version);
    const info = {
      keyId,
      tenantId: tenant.tenantId,
      jurisdiction: tenant.jurisdiction,
      version,
      wrappingKeyId: jurisdictionKeyId(tenant.jurisdiction),
    };
    if (versions.retired.has(version)) {
      const path = this.layout.dataKeyTombstoneFile(tenant.tenantId, version);
      const tombstone = this.readTombstone(path, keyId);
      return {
        ...info,
        status: 'retired',
        createdAt: tombstone.createdAt ?? tombstone.deletedAt,
        retiredAt: tombstone.deletedAt,
      };
    }
    const path = this.layout.dataKeyFile(tenant.tenantId, version);
    const record = parseWrappedKeyRecord(readJsonFile(path), keyId, path);
    const status = version === versions.active ? 'active' : 'decrypt-only';
    return { ...info, status, createdAt: record.createdAt };
  }

  /** Returns the key-encryption key of a jurisdiction, creating it on first use. */
  private jurisdictionKey(jurisdiction: string): WrappingKey {
    const keyId = jurisdictionKeyId(jurisdiction);
    const cached = this.cache.get(keyId);
    if (cached !== undefined) {
      return { id: keyId, material: cached };
    }

    const path = this.layout.jurisdictionKeyFile(jurisdiction);
    let record = this.readWrappedKey(path, keyId);
    if (record === undefined) {
      mkdirSync(this.layout.jurisdictionsDir, { recursive: true, mode: 0o700 });
      record = this.createWrappedKey(path, keyId, this.masterWrappingKey);
    }
    const material = unwrapKey(record, this.masterWrappingKey);
    if (material === undefined) {
      throw new KeyStoreError(
        `Cannot unwrap ${keyId} from ${path}: the authentication tag does not match. ` +
          'The file was modified or copied from a key store with another master key.',
      );
    }
    this.cache.set(keyId, material);
    return { id: keyId, material };
  }

  private loadTenantKey(keyId: string, tenantId: string, version: number): Buffer {
    const tenant = this.readTenant(tenantId);
    if (tenant === undefined) {
      throw new KeyNotFoundError(
        keyId,
        `Key ${keyId} was not found: tenant ${tenantId} has no keys.`,
      );
    }
    if (this.readOptionalTombstone(this.layout.dataKeyTombstoneFile(tenantId, version), keyId)) {
      throw new KeyRetiredError(keyId);
    }
    const path = this.layout.dataKeyFile(tenantId, version);
    const record = this.readWrappedKey(path, keyId);
    if (record === undefined) {
      throw new KeyNotFoundError(keyId);
    }

    const jurisdictionKey = this.jurisdictionKey(tenant.jurisdiction);
    const material = unwrapKey(record, jurisdictionKey);
    if (material === undefined) {
      throw new KeyStoreError(
        `Cannot unwrap ${keyId} from ${path} with ${jurisdictionKey.id}: the file was ` +
          `modified or is wrapped by ${record.wrappingKeyId} instead.`,
      );
    }
    return material;
  }

  private loadSubjectKey(
    keyId: string,
    tenantId: string,
    subjectId: string,
    generation: number,
  ): Buffer {
    const keyFile = this.layout.subjectKeyFile(tenantId, subjectId, generation);
    const tombstone = this.layout.subjectTombstoneFile(tenantId, subjectId, generation);
    if (this.readOptionalTombstone(tombstone, keyId)) {
      this.finishShredding(keyFile);
      throw new KeyDestroyedError(keyId);
    }
    const record = this.readWrappedKey(keyFile, keyId);
    if (record === undefined) {
      throw new KeyNotFoundError(keyId);
    }

    const wrapping = parseKeyId(record.wrappingKeyId);
    if (wrapping.level !== 'tenant' || wrapping.tenantId !== tenantId) {
      throw new KeyStoreError(
        `Key store file ${keyFile} names ${record.wrappingKeyId} as its wrapping key, ` +
          `expected a data key of tenant ${tenantId}.`,
      );
    }
    const tenantKey = this.dataKeyById(record.wrappingKeyId);
    const material = unwrapKey(record, tenantKey);
    if (material === undefined) {
      throw new KeyStoreError(
        `Cannot unwrap ${keyId} from ${keyFile} with ${tenantKey.id}: the file was modified.`,
      );
    }
    return material;
  }

  /** Returns the live (newest undestroyed) and highest generation of a subject's keys. */
  private scanSubjectGenerations(
    tenantId: string,
    subjectId: string,
  ): { live?: number; highest: number } {
    const scan = scanKeyFiles(this.layout.subjectDir(tenantId, subjectId), 'g', 'destroyed');
    let live: number | undefined;
    for (const generation of scan.withKey) {
      if (scan.withTombstone.has(generation)) {
        // A crash interrupted destroySubjectKey after the tombstone was written.
        this.finishShredding(this.layout.subjectKeyFile(tenantId, subjectId, generation));
      } else if (live === undefined || generation > live) {
        live = generation;
      }
    }
    return { live, highest: Math.max(0, ...scan.withKey, ...scan.withTombstone) };
  }

  /** Rewraps the subject keys of a tenant that `from` wraps with `to`. */
  private rewrapSubjectKeys(tenantId: string, from: DataKey, to: DataKey): void {
    for (const subjectId of listDirectory(this.layout.subjectsDir(tenantId))) {
      const scan = scanKeyFiles(this.layout.subjectDir(tenantId, subjectId), 'g', 'destroyed');
      for (const generation of scan.withKey) {
        if (scan.withTombstone.has(generation)) {
          continue;
        }
        const keyId = subjectKeyId(tenantId, subjectId, generation);
        const path = this.layout.subjectKeyFile(tenantId, subjectId, generation);
        const record = this.readWrappedKey(path, keyId);
        if (record === undefined || record.wrappingKeyId !== from.id) {
          continue;
        }
        const material = unwrapKey(record, from);
        if (material === undefined) {
          throw new KeyStoreError(
            `Cannot unwrap ${keyId} from ${path} with ${from.id}: the file was modified.`,
          );
        }
        const rewrapped: WrappedKeyRecord = {
          ...wrapKey(keyId, material, to),
          createdAt: record.createdAt,
        };
        material.fill(0);
        this.writeJson(path, rewrapped, false);
      }
    }
  }

  private readWrappedKey(path: string, keyId: string): WrappedKeyRecord | undefined {
    const value = readJsonFile(path);
    return value === undefined ? undefined : parseWrappedKeyRecord(value, keyId, path);
  }

  /**
   * Generates a random key, wraps it and writes it exclusively. Returns the stored record, which
   * is another process's record when that process created the same key id first.
   */
  private createWrappedKey(
    path: string,
    keyId: string,
    wrappingKey: WrappingKey,
  ): WrappedKeyRecord {
    const material = randomBytes(KEY_LENGTH);
    const record = wrapKey(keyId, material, wrappingKey);
    material.fill(0);
    if (this.writeJson(path, record, true)) {
      return record;
    }
    return this.readWrappedKey(path, keyId) as WrappedKeyRecord;
  }

  private writeTombstone(
    path: string,
    keyId: string,
    state: TombstoneRecord['state'],
    createdAt: string | undefined,
  ): void {
    const record: TombstoneRecord = {
      format: TOMBSTONE_FORMAT,
      keyId,
      state,
      ...(createdAt === undefined ? {} : { createdAt }),
      deletedAt: new Date().toISOString(),
    };
    // An existing tombstone from an interrupted run already records the deletion.
    this.writeJson(path, record, true);
  }

  /** Returns the key's creation time, or undefined when a damaged file must be shredded anyway. */
  private readCreatedAtForTombstone(keyFile: string, keyId: string): string | undefined {
    try {
      return this.readWrappedKey(keyFile, keyId)?.createdAt;
    } catch (error) {
      if (error instanceof KeyStoreError) {
        return undefined;
      }
      throw error;
    }
  }

  private readOptionalTombstone(path: string, keyId: string): TombstoneRecord | undefined {
    return readJsonFile(path) === undefined ? undefined : this.readTombstone(path, keyId);
  }

  private readTombstone(path: string, keyId: string): TombstoneRecord {
    const value = readJsonFile(path);
    if (
      !isRecord(value) ||
      value['format'] !== TOMBSTONE_FORMAT ||
      value['keyId'] !== keyId ||
      typeof value['deletedAt'] !== 'string'
    ) {
      throw new KeyStoreError(
        `Key store file ${path} is not a ${TOMBSTONE_FORMAT} record for ${keyId}.`,
      );
    }
    return value as unknown as TombstoneRecord;
  }

  private finishShredding(keyFile: string): void {
    try {
      shredFile(keyFile);
    } catch (error) {
      if (!isErrnoException(error) || error.code !== 'ENOENT') {
        throw error;
      }
    }
  }

  /**
   * Writes a JSON record atomically. With `exclusive`, returns false instead of overwriting an
   * existing file.
   */
  private writeJson(path: string, record: object, exclusive: boolean): boolean {
    try {
      writeFileAtomic(path, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600, exclusive });
      return true;
    } catch (error) {
      if (exclusive && isErrnoException(error) && error.code === 'EEXIST') {
        return false;
      }
      throw error;
    }
  }
}

function deriveFromMaster(masterKey: Buffer, purpose: string): Buffer {
  const info = Buffer.from(purpose, 'utf8');
  return Buffer.from(hkdfSync('sha256', masterKey, MASTER_HKDF_SALT, info, KEY_LENGTH));
}

/** Returns whether `path` is strictly inside `dir`. Both must be absolute. */
function isInside(path: string, dir: string): boolean {
  const relativePath = relative(dir, path);
  return (
    relativePath !== '' &&
    relativePath !== '..' &&
    !relativePath.startsWith(`..${sep}`) &&
    !isAbsolute(relativePath)
  );
}

function describeSource(source: MasterKeySource): string {
  switch (source.kind) {
    case 'file':
      return `MASALA_MASTER_KEY_FILE (${source.path})`;
    case 'env':
      return 'MASALA_MASTER_KEY';
    case 'data-dir':
      return source.path;
  }
}
