import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { ConfigurationProblem } from '../../configuration/index.js';

export const DOMAIN_FILE_NAME = 'masala_domains.yaml';

/** Folder under MASALA_CONFIG_PATH with one sub-folder per tenant slug. */
export const TENANT_CONFIG_FOLDER = 'config';

/** The tenant slug rule of the tenancy context, repeated so a misnamed folder is reported. */
const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** A domain configuration file and the tenant it applies to. */
export interface ConfigFile {
  /** Slug of the tenant folder, or null for the instance-wide file. */
  tenantScope: string | null;
  path: string;
}

export interface ConfigFileListing {
  files: ConfigFile[];
  /** Tenant folders that contain a configuration file but cannot name a tenant. */
  problems: ConfigurationProblem[];
  /** False when the tenant folder list could not be read, so `files` may lack overrides. */
  complete: boolean;
}

export function rootConfigFile(configPath: string): ConfigFile {
  return { tenantScope: null, path: join(configPath, DOMAIN_FILE_NAME) };
}

/** Lists the root file and every `config/<tenant-slug>/masala_domains.yaml`, sorted by slug. */
export function listConfigFiles(configPath: string): ConfigFileListing {
  const files: ConfigFile[] = [rootConfigFile(configPath)];
  const problems: ConfigurationProblem[] = [];
  let folders: string[];
  try {
    folders = tenantFolders(configPath);
  } catch (error) {
    const folder = join(configPath, TENANT_CONFIG_FOLDER);
    problems.push({
      file: folder,
      key: '',
      message: `failed to read the folder (${errorCode(error)})`,
    });
    return { files, problems, complete: false };
  }
  for (const folder of folders) {
    const path = join(configPath, TENANT_CONFIG_FOLDER, folder, DOMAIN_FILE_NAME);
    if (!isFile(path)) {
      continue;
    }
    if (SLUG_PATTERN.test(folder)) {
      files.push({ tenantScope: folder, path });
    } else {
      const message =
        `tenant folder '${folder}' is not a valid tenant slug ` +
        '(use 1 to 63 lowercase letters, digits or hyphens)';
      problems.push({ file: path, key: '', message });
    }
  }
  return { files, problems, complete: true };
}

/** Path of a configuration file relative to MASALA_CONFIG_PATH, with `/` separators. */
export function displayPath(configPath: string, path: string): string {
  return relative(configPath, path).split(sep).join('/');
}

/**
 * Summarises the identity, size and change times of every configuration file and the list of
 * tenant folders, so a poll can tell that something changed without reading the files.
 */
export function configSignature(configPath: string): string {
  const parts: string[] = [statSignature(join(configPath, DOMAIN_FILE_NAME))];
  let folders: string[];
  try {
    folders = tenantFolders(configPath);
  } catch (error) {
    return `${parts[0]}|unreadable:${errorCode(error)}`;
  }
  for (const folder of folders) {
    const path = join(configPath, TENANT_CONFIG_FOLDER, folder, DOMAIN_FILE_NAME);
    parts.push(`${folder}=${statSignature(path)}`);
  }
  return parts.join('|');
}

/** Names of the sub-folders of `config/`; none when the folder does not exist. */
function tenantFolders(configPath: string): string[] {
  try {
    return readdirSync(join(configPath, TENANT_CONFIG_FOLDER), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() || entry.isSymbolicLink())
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return [];
    }
    throw error;
  }
}

function errorCode(error: unknown): string {
  // Checked by shape because Jest runs modules in a separate realm, where instanceof fails.
  if (typeof error === 'object' && error !== null && 'code' in error) {
    return String(error.code);
  }
  return String(error);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function statSignature(path: string): string {
  try {
    const stats = statSync(path, { bigint: true });
    return `${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}`;
  } catch {
    return 'missing';
  }
}
