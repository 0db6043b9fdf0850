import { InvalidSettingsError, loadSettings, type MasalaSettings } from '#kernel';
import { DomainConfigurationError, formatProblem, validateDomainConfiguration } from '#tickets';
import { errorMessage, fail, ok, type CheckResult } from './doctor-check.js';

export type Environment = Record<string, string | undefined>;

/** Loads the settings, turning each invalid variable into a failed check. */
export function checkSettings(env: Environment): { settings?: MasalaSettings; results: CheckResult[] } {
  try {
    const settings = loadSettings(env);
    return { settings, results: [ok('settings', `valid (tenancy ${settings.tenancy}, data folder ${settings.dataDir})`)] };
  } catch (error) {
    if (!(error instanceof InvalidSettingsError)) throw error;
    return {
      results: error.problems.map((problem) =>
        fail('settings', problem, 'Correct the variable in the environment or the service definition, then run doctor again'),
      ),
    };
  }
}

export function checkDomainConfiguration(settings: MasalaSettings): CheckResult[] {
  try {
    validateDomainConfiguration(settings.configPath);
    return [ok('domain configuration', `masala_domains.yaml in ${settings.configPath} is valid`)];
  } catch (error) {
    if (!(error instanceof DomainConfigurationError)) {
      return [fail('domain configuration', errorMessage(error), 'Check MASALA_CONFIG_PATH and the file permissions')];
    }
    return error.problems.map((problem) =>
      fail('domain configuration', formatProblem(problem), 'Edit the file at the line and key named, then run doctor again'),
    );
  }
}
