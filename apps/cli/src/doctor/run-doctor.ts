import { checkDomainConfiguration, checkSettings, type Environment } from './configuration-checks.js';
import { skip, type CheckResult } from './doctor-check.js';
import { checkKeys, checkTls } from './secret-checks.js';
import { checkDatabases, checkDataFolder } from './storage-checks.js';

const DEPENDENT_CHECKS = ['domain configuration', 'data folder', 'database', 'migrations', 'keys', 'tls'];

/**
 * Runs every check without changing anything: databases open read-only and nothing is created
 * or migrated. Checks that need valid settings are skipped when the settings are invalid.
 */
export async function runDoctor(env: Environment): Promise<CheckResult[]> {
  const { settings, results } = checkSettings(env);
  if (!settings) {
    return [...results, ...DEPENDENT_CHECKS.map((check) => skip(check, 'skipped: the settings are invalid'))];
  }
  return [
    ...results,
    ...checkDomainConfiguration(settings),
    ...checkDataFolder(settings),
    ...(await checkDatabases(settings)),
    ...checkKeys(settings),
    ...checkTls(settings),
  ];
}
