import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import {
  InvalidIdentifierError,
  KeyDestroyedError,
  KeyNotFoundError,
  KeyRetiredError,
  KeyStoreError,
  MasterKeyMismatchError,
} from './errors.js';
import { decryptField, encryptField, envelopeKeyId, reencryptField } from './field-envelope.js';
import { KeyRing, type KeyRingOptions } from './key-ring.js';

/** Lists every file below `dir`, recursively. */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : [path];
  });
}

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

/** Shows an erased value the way callers are expected to. */
function decryptOrPlaceholder(envelope: string, ring: KeyRing): string {
  try {
    return decryptField(envelope, ring.resolve);
  } catch (error) {
    if (error instanceof KeyDestroyedError) {
      return '[erased]';
    }
    throw error;
  }
}

describe('KeyRing', () => {
  let root: string;
  let keyStoreDir: string;
  let options: KeyRingOptions;
  let ring: KeyRing;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'masala-key-ring-'));
    keyStoreDir = join(root, 'keys');
    options = {
      keyStoreDir,
      dataDir: join(root, 'data'),
      env: { MASALA_MASTER_KEY: randomBytes(32).toString('base64') },
    };
    ring = KeyRing.open(options);
  });

  afterEach(() => {
    ring.close();
    rmSync(root, { recursive: true, force: true });
  });

  describe('tenant data keys', () => {
    it('creates a key on first use', () => {
      const key = ring.tenantDataKey('acme', 'BE');

      expect(key.id).toBe('dek.acme.v1');
      expect(key.material).toHaveLength(32);
      expect(ring.tenantDataKey('acme', 'BE').material).toEqual(key.material);
    });

    it('round-trips a field through resolve', () => {
      const key = ring.tenantDataKey('acme', 'BE');
      const envelope = encryptField('jan@example.be', key, 'acme:email');
      expect(decryptField(envelope, ring.resolve, 'acme:email')).toBe('jan@example.be');
    });

    it('gives tenants different keys', () => {
      const acme = ring.tenantDataKey('acme', 'BE');
      const globex = ring.tenantDataKey('globex', 'BE');
      expect(globex.id).toBe('dek.globex.v1');
      expect(globex.material).not.toEqual(acme.material);
    });

    it('wraps keys by jurisdiction', () => {
      ring.tenantDataKey('acme', 'BE');
      ring.tenantDataKey('globex', 'NL');
      ring.tenantDataKey('initech', 'BE');

      expect(ring.listTenantKeys('acme')[0]?.wrappingKeyId).toBe('kek.BE');
      expect(ring.listTenantKeys('globex')[0]?.wrappingKeyId).toBe('kek.NL');
      expect(ring.listTenantKeys('initech')[0]?.wrappingKeyId).toBe('kek.BE');

      const acmeFile = readJson(join(keyStoreDir, 'tenants/acme/data-keys/v1.json'));
      const globexFile = readJson(join(keyStoreDir, 'tenants/globex/data-keys/v1.json'));
      expect(acmeFile['wrappingKeyId']).toBe('kek.BE');
      expect(globexFile['wrappingKeyId']).toBe('kek.NL');

      const belgium = readJson(join(keyStoreDir, 'jurisdictions/BE.json'));
      const netherlands = readJson(join(keyStoreDir, 'jurisdictions/NL.json'));
      expect(belgium['wrappingKeyId']).toBe('master');
      expect(netherlands['wrappingKeyId']).toBe('master');
      expect(belgium['ciphertext']).not.toBe(netherlands['ciphertext']);
    });

    it('rejects a data key file moved to another jurisdiction', () => {
      ring.tenantDataKey('acme', 'BE');
      ring.tenantDataKey('globex', 'NL');
      ring.close();

      // Present the NL tenant's wrapped key as if kek.BE wrapped it.
      const globexPath = join(keyStoreDir, 'tenants/globex/data-keys/v1.json');
      const moved = { ...readJson(globexPath), wrappingKeyId: 'kek.BE' };
      const tenantPath = join(keyStoreDir, 'tenants/globex/tenant.json');
      writeFileSync(globexPath, JSON.stringify(moved));
      writeFileSync(tenantPath, JSON.stringify({ ...readJson(tenantPath), jurisdiction: 'BE' }));

      ring = KeyRing.open(options);
      expect(() => ring.dataKeyById('dek.globex.v1')).toThrow(KeyStoreError);
    });

    it('keeps a tenant in its jurisdiction', () => {
      ring.tenantDataKey('acme', 'BE');
      expect(() => ring.tenantDataKey('acme', 'NL')).toThrow(/belongs to jurisdiction BE, not NL/);
      expect(() => ring.rotateTenantKey('acme', 'DE')).toThrow(KeyStoreError);
    });

    it('normalises and validates jurisdiction codes', () => {
      expect(ring.tenantDataKey('acme', 'be').id).toBe('dek.acme.v1');
      expect(ring.listTenantKeys('acme')[0]?.jurisdiction).toBe('BE');
      expect(() => ring.tenantDataKey('globex', 'UK')).toThrow(InvalidIdentifierError);
    });

    it('rejects unsafe tenant ids', () => {
      expect(() => ring.tenantDataKey('../evil', 'BE')).toThrow(InvalidIdentifierError);
      expect(() => ring.tenantDataKey('a.b', 'BE')).toThrow(InvalidIdentifierError);
    });
  });

  describe('rotation', () => {
    it('keeps old values decryptable', () => {
      const v1 = ring.tenantDataKey('acme', 'BE');
      const oldEnvelope = encryptField('old value', v1);

      const v2 = ring.rotateTenantKey('acme', 'BE');
      const newEnvelope = encryptField('new value', ring.tenantDataKey('acme', 'BE'));

      expect(v2.id).toBe('dek.acme.v2');
      expect(envelopeKeyId(newEnvelope)).toBe('dek.acme.v2');
      expect(decryptField(oldEnvelope, ring.resolve)).toBe('old value');
      expect(decryptField(newEnvelope, ring.resolve)).toBe('new value');
    });

    it('lists key versions with their status', () => {
      ring.tenantDataKey('acme', 'BE');
      ring.rotateTenantKey('acme', 'BE');
      ring.rotateTenantKey('acme', 'BE');
      ring.retireKey('dek.acme.v1');

      const keys = ring.listTenantKeys('acme');

      expect(keys.map((key) => [key.keyId, key.status])).toEqual([
        ['dek.acme.v1', 'retired'],
        ['dek.acme.v2', 'decrypt-only'],
        ['dek.acme.v3', 'active'],
      ]);
      expect(keys[0]?.retiredAt).toEqual(expect.any(String));
      expect(keys[0]?.createdAt).toEqual(expect.any(String));
      expect(keys[2]?.retiredAt).toBeUndefined();
      expect(ring.listTenantKeys('unknown-tenant')).toEqual([]);
    });

    it('reads values re-encrypted before retirement', () => {
      const v1 = ring.tenantDataKey('acme', 'BE');
      const envelope = encryptField('value', v1, 'aad');
      const v2 = ring.rotateTenantKey('acme', 'BE');

      const reencrypted = reencryptField(envelope, ring.resolve, v2, 'aad');
      ring.retireKey(v1.id);

      expect(decryptField(reencrypted, ring.resolve, 'aad')).toBe('value');
      expect(() => decryptField(envelope, ring.resolve, 'aad')).toThrow(KeyRetiredError);
      expect(existsSync(join(keyStoreDir, 'tenants/acme/data-keys/v1.json'))).toBe(false);
    });

    it('rejects retiring the active key', () => {
      ring.tenantDataKey('acme', 'BE');
      expect(() => ring.retireKey('dek.acme.v1')).toThrow(/Rotate the tenant key first/);
    });

    it('retires a key only once', () => {
      ring.tenantDataKey('acme', 'BE');
      ring.rotateTenantKey('acme', 'BE');
      ring.retireKey('dek.acme.v1');
      expect(() => ring.retireKey('dek.acme.v1')).not.toThrow();
    });

    it('rejects retiring other key levels', () => {
      ring.tenantDataKey('acme', 'BE');
      expect(() => ring.retireKey('kek.BE')).toThrow(InvalidIdentifierError);
      expect(() => ring.retireKey('sk.acme.u1.g1')).toThrow(/Use destroySubjectKey/);
      expect(() => ring.retireKey('dek.acme.v7')).toThrow(KeyNotFoundError);
    });

    it('rewraps subject keys before retirement', () => {
      ring.tenantDataKey('acme', 'BE');
      const subjectKey = ring.subjectKey('acme', 'user-1', { create: true });
      const envelope = encryptField('Jan Peeters', subjectKey);
      ring.rotateTenantKey('acme', 'BE');
      ring.retireKey('dek.acme.v1');
      ring.close();

      ring = KeyRing.open(options);
      const subjectFile = readJson(join(keyStoreDir, 'tenants/acme/subjects/user-1/g1.json'));
      expect(subjectFile['wrappingKeyId']).toBe('dek.acme.v2');
      expect(decryptField(envelope, ring.resolve)).toBe('Jan Peeters');
    });
  });

  describe('subject keys', () => {
    beforeEach(() => {
      ring.tenantDataKey('acme', 'BE');
    });

    it('creates a key only on request', () => {
      expect(ring.subjectKey('acme', 'user-1')).toBeUndefined();
      expect(ring.subjectKey('acme', 'user-1', { create: false })).toBeUndefined();
      expect(ring.hasSubjectKey('acme', 'user-1')).toBe(false);

      const key = ring.subjectKey('acme', 'user-1', { create: true });

      expect(key.id).toBe('sk.acme.user-1.g1');
      expect(ring.hasSubjectKey('acme', 'user-1')).toBe(true);
      expect(ring.subjectKey('acme', 'user-1')?.material).toEqual(key.material);
      const file = readJson(join(keyStoreDir, 'tenants/acme/subjects/user-1/g1.json'));
      expect(file['wrappingKeyId']).toBe('dek.acme.v1');
    });

    it('requires a tenant data key', () => {
      expect(() => ring.subjectKey('globex', 'user-1', { create: true })).toThrow(
        /has no active data key/,
      );
    });

    it('makes values undecryptable after destruction', () => {
      const key = ring.subjectKey('acme', 'user-1', { create: true });
      const envelope = encryptField('Jan Peeters', key, 'acme:tickets.reporter');
      const otherKey = ring.subjectKey('acme', 'user-2', { create: true });
      const otherSubject = encryptField('An Janssens', otherKey);

      expect(ring.destroySubjectKey('acme', 'user-1')).toBe(true);

      expect(() => decryptField(envelope, ring.resolve, 'acme:tickets.reporter')).toThrow(
        KeyDestroyedError,
      );
      expect(decryptOrPlaceholder(envelope, ring)).toBe('[erased]');
      expect(decryptOrPlaceholder(otherSubject, ring)).toBe('An Janssens');
      expect(ring.hasSubjectKey('acme', 'user-1')).toBe(false);
      expect(ring.subjectKey('acme', 'user-1')).toBeUndefined();
    });

    it('leaves only a tombstone on disk', () => {
      const key = ring.subjectKey('acme', 'user-1', { create: true });
      ring.destroySubjectKey('acme', 'user-1');

      const subjectDir = join(keyStoreDir, 'tenants/acme/subjects/user-1');
      expect(readdirSync(subjectDir)).toEqual(['g1.destroyed.json']);
      const tombstone = readJson(join(subjectDir, 'g1.destroyed.json'));
      expect(tombstone['keyId']).toBe(key.id);
      expect(tombstone['state']).toBe('destroyed');
      expect(Object.keys(tombstone)).not.toContain('ciphertext');
    });

    it('stays destroyed after a reopen', () => {
      const key = ring.subjectKey('acme', 'user-1', { create: true });
      const envelope = encryptField('Jan Peeters', key);
      ring.destroySubjectKey('acme', 'user-1');
      ring.close();

      ring = KeyRing.open(options);

      expect(() => decryptField(envelope, ring.resolve)).toThrow(KeyDestroyedError);
    });

    it('stays destroyed when the key file is restored', () => {
      const key = ring.subjectKey('acme', 'user-1', { create: true });
      const envelope = encryptField('Jan Peeters', key);
      const keyFile = join(keyStoreDir, 'tenants/acme/subjects/user-1/g1.json');
      const backup = readFileSync(keyFile);
      ring.destroySubjectKey('acme', 'user-1');
      ring.close();

      // A crash between tombstone and shredding, or a restore from backup, leaves both files.
      writeFileSync(keyFile, backup);
      ring = KeyRing.open(options);

      expect(() => decryptField(envelope, ring.resolve)).toThrow(KeyDestroyedError);
      expect(ring.hasSubjectKey('acme', 'user-1')).toBe(false);
      expect(existsSync(keyFile)).toBe(false);
    });

    it('creates a new generation after destruction', () => {
      const old = encryptField('old', ring.subjectKey('acme', 'user-1', { create: true }));
      ring.destroySubjectKey('acme', 'user-1');

      const next = ring.subjectKey('acme', 'user-1', { create: true });

      expect(next.id).toBe('sk.acme.user-1.g2');
      expect(decryptField(encryptField('new', next), ring.resolve)).toBe('new');
      expect(() => decryptField(old, ring.resolve)).toThrow(KeyDestroyedError);
    });

    it('reports whether a key was destroyed', () => {
      expect(ring.destroySubjectKey('acme', 'nobody')).toBe(false);
      ring.subjectKey('acme', 'user-1', { create: true });
      expect(ring.destroySubjectKey('acme', 'user-1')).toBe(true);
      expect(ring.destroySubjectKey('acme', 'user-1')).toBe(false);
    });

    it('keeps subjects of two tenants apart', () => {
      ring.tenantDataKey('globex', 'NL');
      const acmeKey = ring.subjectKey('acme', 'user-1', { create: true });
      const globexKey = ring.subjectKey('globex', 'user-1', { create: true });

      ring.destroySubjectKey('acme', 'user-1');

      expect(globexKey.material).not.toEqual(acmeKey.material);
      expect(ring.hasSubjectKey('globex', 'user-1')).toBe(true);
    });
  });

  describe('dataKeyById', () => {
    it('rejects jurisdiction keys', () => {
      ring.tenantDataKey('acme', 'BE');
      expect(() => ring.dataKeyById('kek.BE')).toThrow(/never encrypts field values/);
    });

    it('rejects unknown keys', () => {
      ring.tenantDataKey('acme', 'BE');
      expect(() => ring.dataKeyById('dek.acme.v2')).toThrow(KeyNotFoundError);
      expect(() => ring.dataKeyById('dek.nobody.v1')).toThrow(KeyNotFoundError);
      expect(() => ring.dataKeyById('sk.acme.nobody.g1')).toThrow(KeyNotFoundError);
      expect(() => ring.dataKeyById('not-a-key-id')).toThrow(InvalidIdentifierError);
    });

    it('reloads evicted keys from disk', () => {
      ring.close();
      ring = KeyRing.open({ ...options, cacheSize: 1 });
      const envelopes = ['t1', 't2', 't3', 't4'].map((tenantId) =>
        encryptField(tenantId, ring.tenantDataKey(tenantId, 'DE')),
      );

      const decrypted = envelopes.map((envelope) => decryptField(envelope, ring.resolve));

      expect(decrypted).toEqual(['t1', 't2', 't3', 't4']);
    });
  });

  describe('persistence', () => {
    it('reads everything after a reopen', () => {
      const tenantEnvelope = encryptField('ticket body', ring.tenantDataKey('acme', 'BE'));
      ring.rotateTenantKey('acme', 'BE');
      const rotatedEnvelope = encryptField('newer body', ring.tenantDataKey('acme', 'BE'));
      const subjectKey = ring.subjectKey('acme', 'user-1', { create: true });
      const subjectEnvelope = encryptField('Jan', subjectKey);
      const nlEnvelope = encryptField('Piet', ring.tenantDataKey('globex', 'NL'));
      const indexKey = ring.blindIndexKey('acme');
      const keysBefore = ring.listTenantKeys('acme');
      ring.close();

      ring = KeyRing.open(options);

      expect(decryptField(tenantEnvelope, ring.resolve)).toBe('ticket body');
      expect(decryptField(rotatedEnvelope, ring.resolve)).toBe('newer body');
      expect(decryptField(subjectEnvelope, ring.resolve)).toBe('Jan');
      expect(decryptField(nlEnvelope, ring.resolve)).toBe('Piet');
      expect(ring.tenantDataKey('acme', 'BE').id).toBe('dek.acme.v2');
      expect(ring.listTenantKeys('acme')).toEqual(keysBefore);
      expect(ring.blindIndexKey('acme')).toEqual(indexKey);
    });

    it('rejects a wrong master key', () => {
      ring.tenantDataKey('acme', 'BE');
      ring.close();

      const otherMasterKey = randomBytes(32).toString('base64');
      const wrongKey = { ...options, env: { MASALA_MASTER_KEY: otherMasterKey } };

      expect(() => KeyRing.open(wrongKey)).toThrow(MasterKeyMismatchError);
      expect(() => KeyRing.open(wrongKey)).toThrow(/does not match the key store/);
      ring = KeyRing.open(options);
    });

    it('rejects a modified jurisdiction key file', () => {
      ring.tenantDataKey('acme', 'BE');
      ring.close();
      const path = join(keyStoreDir, 'jurisdictions/BE.json');
      const record = readJson(path);
      const ciphertext = Buffer.from(record['ciphertext'] as string, 'base64url');
      ciphertext[0] = (ciphertext[0] as number) ^ 1;
      const modified = { ...record, ciphertext: ciphertext.toString('base64url') };
      writeFileSync(path, JSON.stringify(modified));

      ring = KeyRing.open(options);

      expect(() => ring.dataKeyById('dek.acme.v1')).toThrow(/Cannot unwrap kek.BE/);
    });

    it('rejects a key store without keystore.json', () => {
      ring.tenantDataKey('acme', 'BE');
      ring.close();
      rmSync(join(keyStoreDir, 'keystore.json'));

      expect(() => (ring = KeyRing.open(options))).toThrow(/keystore.json is missing/);
      writeFileSync(join(keyStoreDir, 'keystore.json'), '{}');
      expect(() => (ring = KeyRing.open(options))).toThrow(KeyStoreError);
    });

    it('stores no plaintext key bytes', () => {
      const masterKey = Buffer.from(options.env?.['MASALA_MASTER_KEY'] as string, 'base64');
      const keys = [
        masterKey,
        ring.tenantDataKey('acme', 'BE').material,
        ring.rotateTenantKey('acme', 'BE').material,
        ring.subjectKey('acme', 'user-1', { create: true }).material,
        ring.tenantDataKey('globex', 'NL').material,
        ring.blindIndexKey('acme'),
      ];

      const files = listFiles(keyStoreDir);
      expect(files.length).toBeGreaterThanOrEqual(8);
      for (const file of files) {
        const content = readFileSync(file);
        const text = content.toString('latin1');
        for (const key of keys) {
          expect(content.includes(key)).toBe(false);
          expect(text).not.toContain(key.toString('hex'));
          expect(text).not.toContain(key.toString('base64'));
          expect(text).not.toContain(key.toString('base64url'));
        }
      }
    });

    it('writes key files with mode 0600', () => {
      if (process.platform === 'win32') {
        return;
      }
      ring.tenantDataKey('acme', 'BE');
      ring.subjectKey('acme', 'user-1', { create: true });
      for (const file of listFiles(keyStoreDir)) {
        expect([file, statSync(file).mode & 0o777]).toEqual([file, 0o600]);
      }
      expect(statSync(keyStoreDir).mode & 0o777).toBe(0o700);
    });
  });

  describe('open', () => {
    it('generates a master key in the data directory', () => {
      const local = { keyStoreDir: join(root, 'keys-2'), dataDir: join(root, 'data-2'), env: {} };
      const generated = KeyRing.open(local);

      expect(generated.masterKeySource).toEqual({
        kind: 'data-dir',
        path: join(root, 'data-2', 'master.key'),
        created: true,
      });
      expect(generated.warnings).toHaveLength(1);
      generated.close();
    });

    it('rejects the data directory as key store', () => {
      const sameDir = { ...options, keyStoreDir: join(root, 'data') };
      expect(() => KeyRing.open(sameDir)).toThrow(/must differ from the data directory/);
    });

    it('rejects a master key file inside the key store', () => {
      const keyFile = join(keyStoreDir, 'master.key');
      writeFileSync(keyFile, randomBytes(32), { mode: 0o600 });
      const inside = { keyStoreDir, env: { MASALA_MASTER_KEY_FILE: keyFile } };

      expect(() => KeyRing.open(inside)).toThrow(/inside the key store directory/);
    });

    it('rejects calls after close', () => {
      ring.close();
      expect(() => ring.tenantDataKey('acme', 'BE')).toThrow(/is closed/);
      ring = KeyRing.open(options);
    });
  });
});
