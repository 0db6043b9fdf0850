import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { isErrnoException } from './key-store-files.js';

/**
 * File paths inside a key store folder:
 *
 * ```
 * keystore.json                                  master key check value
 * jurisdictions/<CC>.json                        kek.<CC>, wrapped by the master key
 * tenants/<tenantId>/tenant.json                 the tenant's jurisdiction
 * tenants/<tenantId>/data-keys/v<n>.json         dek.<tenantId>.v<n>, wrapped by kek.<CC>
 * tenants/<tenantId>/data-keys/v<n>.retired.json tombstone of a retired data key
 * tenants/<tenantId>/subjects/<subjectId>/g<n>.json            sk.<tenantId>.<subjectId>.g<n>
 * tenants/<tenantId>/subjects/<subjectId>/g<n>.destroyed.json  tombstone of a destroyed key
 * ```
 *
 * Key files are created once and never modified, except when retiring a data key rewraps the
 * subject keys that it wrapped.
 */
export class KeyStoreLayout {
  constructor(readonly root: string) {}

  get keyStoreFile(): string {
    return join(this.root, 'keystore.json');
  }

  get jurisdictionsDir(): string {
    return join(this.root, 'jurisdictions');
  }

  jurisdictionKeyFile(jurisdiction: string): string {
    return join(this.jurisdictionsDir, `${jurisdiction}.json`);
  }

  tenantDir(tenantId: string): string {
    return join(this.root, 'tenants', tenantId);
  }

  tenantFile(tenantId: string): string {
    return join(this.tenantDir(tenantId), 'tenant.json');
  }

  dataKeysDir(tenantId: string): string {
    return join(this.tenantDir(tenantId), 'data-keys');
  }

  dataKeyFile(tenantId: string, version: number): string {
    return join(this.dataKeysDir(tenantId), `v${version}.json`);
  }

  dataKeyTombstoneFile(tenantId: string, version: number): string {
    return join(this.dataKeysDir(tenantId), `v${version}.retired.json`);
  }

  subjectsDir(tenantId: string): string {
    return join(this.tenantDir(tenantId), 'subjects');
  }

  subjectDir(tenantId: string, subjectId: string): string {
    return join(this.subjectsDir(tenantId), subjectId);
  }

  subjectKeyFile(tenantId: string, subjectId: string, generation: number): string {
    return join(this.subjectDir(tenantId, subjectId), `g${generation}.json`);
  }

  subjectTombstoneFile(tenantId: string, subjectId: string, generation: number): string {
    return join(this.subjectDir(tenantId, subjectId), `g${generation}.destroyed.json`);
  }
}

/** Key files and tombstones found in a data-keys or subject folder, by version or generation. */
export interface KeyFileScan {
  withKey: Set<number>;
  withTombstone: Set<number>;
}

/**
 * Lists `<prefix><n>.json` key files and `<prefix><n>.<tombstoneSuffix>.json` tombstones in a
 * folder. Temporary files of atomic writes start with a dot and are skipped.
 */
export function scanKeyFiles(dir: string, prefix: 'v' | 'g', tombstoneSuffix: string): KeyFileScan {
  const scan: KeyFileScan = { withKey: new Set(), withTombstone: new Set() };
  const pattern = new RegExp(`^${prefix}([1-9][0-9]{0,8})(\\.${tombstoneSuffix})?\\.json$`);
  for (const name of listDirectory(dir)) {
    const match = pattern.exec(name);
    if (match === null) {
      continue;
    }
    const counter = Number(match[1]);
    (match[2] === undefined ? scan.withKey : scan.withTombstone).add(counter);
  }
  return scan;
}

/** Returns the entry names of a folder, or an empty list when the folder does not exist. */
export function listDirectory(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') {
      return [];
    }
    throw error;
  }
}
