import {
  DomainConfigurationError,
  formatProblem,
  loadDomainConfigurationFile,
  type ConfigurationProblem,
  type DomainConfiguration,
} from '../../configuration/index.js';
import { listConfigFiles, rootConfigFile, type ConfigFile } from './config-files.js';

/**
 * The active configurations of an instance: the root file, and the files of tenant folders.
 * A tenant file replaces the root file as a whole for that tenant; nothing is merged.
 */
export interface ConfigurationSet {
  root: DomainConfiguration;
  /** Tenant slug to the configuration that applies to that tenant instead of `root`. */
  tenants: ReadonlyMap<string, DomainConfiguration>;
}

/** A configuration in force for one scope, with the scope it applies to. */
export interface ScopedConfiguration {
  tenantScope: string | null;
  configuration: DomainConfiguration;
}

export interface RejectedFile {
  tenantScope: string | null;
  /** Absolute path, as in the parser messages. */
  file: string;
  /** The parser's messages, each as `file:line: key: message`. */
  problems: string[];
}

export interface ConfigurationSetChange {
  next: ConfigurationSet;
  /** Scopes whose file has a new version, now part of `next`. */
  activated: ScopedConfiguration[];
  /** Tenant slugs whose folder file is gone, so the tenant falls back to the root file. */
  removed: string[];
  /** Files whose current content is invalid; the scope keeps its previous version. */
  rejected: RejectedFile[];
}

/** Returns the configuration that applies to a tenant slug and the scope it comes from. */
export function effectiveConfiguration(
  set: ConfigurationSet,
  tenantSlug: string | undefined,
): ScopedConfiguration {
  const own = tenantSlug === undefined ? undefined : set.tenants.get(tenantSlug);
  if (own !== undefined && tenantSlug !== undefined) {
    return { tenantScope: tenantSlug, configuration: own };
  }
  return { tenantScope: null, configuration: set.root };
}

/** Lists every configuration of the set with its scope, the root file first. */
export function scopedConfigurations(set: ConfigurationSet): ScopedConfiguration[] {
  const tenants = [...set.tenants].map(([tenantScope, configuration]) => ({
    tenantScope,
    configuration,
  }));
  return [{ tenantScope: null, configuration: set.root }, ...tenants];
}

/**
 * Loads the root file and every tenant file for start-up. Throws one DomainConfigurationError
 * that lists the problems of every invalid file, so an operator can fix them in one pass.
 */
export function loadConfigurationSet(configPath: string): ConfigurationSet {
  const listing = listConfigFiles(configPath);
  const problems: ConfigurationProblem[] = [...listing.problems];
  const loaded = new Map<string | null, DomainConfiguration>();
  for (const file of listing.files) {
    const result = loadFile(file);
    if (result instanceof DomainConfigurationError) {
      problems.push(...result.problems);
    } else {
      loaded.set(file.tenantScope, result);
    }
  }
  const root = loaded.get(null);
  if (problems.length > 0 || root === undefined) {
    throw new DomainConfigurationError(problems);
  }
  const tenants = new Map<string, DomainConfiguration>();
  for (const [tenantScope, configuration] of loaded) {
    if (tenantScope !== null) tenants.set(tenantScope, configuration);
  }
  return { root, tenants };
}

/**
 * Reads every file again and builds the next set. A valid file with new bytes replaces its
 * scope's version. An invalid file is rejected, and its scope keeps the previous version, or the
 * root file for a new tenant folder. A tenant file that was removed stops applying.
 */
export function reloadConfigurationSet(
  configPath: string,
  previous: ConfigurationSet,
): ConfigurationSetChange {
  const listing = listConfigFiles(configPath);
  const rejected: RejectedFile[] = listing.problems.map((problem) => ({
    tenantScope: null,
    file: problem.file,
    problems: [formatProblem(problem)],
  }));
  const activated: ScopedConfiguration[] = [];
  const tenants = new Map(previous.tenants);

  const load = (file: ConfigFile, current: DomainConfiguration | undefined) => {
    const result = loadFile(file);
    if (result instanceof DomainConfigurationError) {
      const problems = result.problems.map(formatProblem);
      rejected.push({ tenantScope: file.tenantScope, file: file.path, problems });
      return current;
    }
    if (result.version !== current?.version) {
      activated.push({ tenantScope: file.tenantScope, configuration: result });
      return result;
    }
    return current;
  };

  const root = load(rootConfigFile(configPath), previous.root) ?? previous.root;
  const seen = new Set<string>();
  for (const file of listing.files) {
    if (file.tenantScope === null) continue;
    seen.add(file.tenantScope);
    const next = load(file, previous.tenants.get(file.tenantScope));
    if (next !== undefined) tenants.set(file.tenantScope, next);
  }

  const removed: string[] = [];
  if (listing.complete) {
    for (const slug of previous.tenants.keys()) {
      if (!seen.has(slug)) {
        tenants.delete(slug);
        removed.push(slug);
      }
    }
  }
  return { next: { root, tenants }, activated, removed, rejected };
}

function loadFile(file: ConfigFile): DomainConfiguration | DomainConfigurationError {
  try {
    return loadDomainConfigurationFile(file.path);
  } catch (error) {
    if (error instanceof DomainConfigurationError) {
      return error;
    }
    throw error;
  }
}
