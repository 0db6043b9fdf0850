import type { FieldError } from '#kernel';
import type { TenantSettings } from './tenant.entity.js';

/**
 * Keys of the settings an operator may change. `consentPurposes` and `retentionRules` (JSON
 * arrays) are read by the compliance context and typed there, so they are not part of
 * TenantSettings.
 */
export type TenantSettingKey = (keyof TenantSettings & string) | 'consentPurposes' | 'retentionRules';

/** Typed values of settings to change, as a command carries them. */
export type TenantSettingValues = Partial<TenantSettings> & {
  consentPurposes?: unknown[];
  retentionRules?: unknown[];
};

export interface TenantSettingDefinition {
  description: string;
  /** Converts the text of `--set key=value`; returns a FieldError message when it cannot. */
  parse(text: string): { value: unknown } | { error: string };
  /** Checks a typed value; returns a FieldError message when it is invalid. */
  check(value: unknown): string | undefined;
}

const MAX_RETENTION_DAYS = 36_500;
const MAX_CORS_ORIGINS = 50;
const ORIGIN_PATTERN = /^https?:\/\/[^/\s]+$/;

function integerSetting(description: string, min: number, max: number): TenantSettingDefinition {
  const check = (value: unknown) =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
      ? undefined
      : `must be a whole number from ${min} to ${max}`;
  return {
    description,
    parse: (text) => {
      const value = /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
      const error = check(value);
      return error ? { error } : { value };
    },
    check,
  };
}

function checkOrigins(value: unknown): string | undefined {
  if (!Array.isArray(value)) return 'must be a list of origins';
  if (value.length > MAX_CORS_ORIGINS) return `must list at most ${MAX_CORS_ORIGINS} origins`;
  for (const origin of value) {
    if (typeof origin !== 'string' || origin === 'null' || !ORIGIN_PATTERN.test(origin)) {
      return `entry "${String(origin)}" is invalid: expected an exact origin such as https://app.example.org`;
    }
  }
  return undefined;
}

function checkPurposes(value: unknown): string | undefined {
  if (!Array.isArray(value)) return 'must be a JSON array of purposes';
  const malformed = value.find(
    (purpose) => typeof purpose !== 'object' || purpose === null || typeof (purpose as { code?: unknown }).code !== 'string',
  );
  return malformed === undefined ? undefined : 'must list objects that each have a string "code"';
}

/** Every setting an operator may change per tenant, with its rule. */
export const TENANT_SETTING_DEFINITIONS: Record<TenantSettingKey, TenantSettingDefinition> = {
  rateLimitPerMinute: integerSetting(
    'requests per minute for the tenant, in place of MASALA_RATE_LIMIT_PER_MINUTE',
    1,
    10_000_000,
  ),
  corsOrigins: {
    description: 'comma-separated exact origins allowed to call the API for this tenant, beside MASALA_CORS_ORIGINS',
    parse: (text) => {
      const value = text
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean);
      const error = checkOrigins(value);
      return error ? { error } : { value };
    },
    check: checkOrigins,
  },
  mandatoryTwoFactor: {
    description: 'true to require two-factor sign-in for Admin and ComplianceOfficer accounts',
    parse: (text) => {
      const normalized = text.trim().toLowerCase();
      if (normalized === 'true' || normalized === 'false') return { value: normalized === 'true' };
      return { error: 'must be true or false' };
    },
    check: (value) => (typeof value === 'boolean' ? undefined : 'must be true or false'),
  },
  retentionDays: integerSetting('days closed tickets and their personal data are kept', 1, MAX_RETENTION_DAYS),
  auditRetentionDays: integerSetting('days audit entries are kept', 1, MAX_RETENTION_DAYS),
  consentPurposes: {
    description: 'JSON array of consent purposes, such as [{"code":"support","requiresConsent":false,"blocks":[]}]',
    parse: (text) => {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return { error: 'must be valid JSON' };
      }
      const error = TENANT_SETTING_DEFINITIONS.consentPurposes.check(value);
      return error ? { error } : { value };
    },
    // The compliance context validates each purpose in full when it reads them, and can enforce
    // that validation here too with registerTenantSettingCheck.
    check: checkPurposes,
  },
  retentionRules: {
    description:
      'JSON array of retention rules per domain, such as [{"domainId":"IT","days":365,"action":"purge"}]',
    parse: (text) => {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return { error: 'must be valid JSON' };
      }
      const error = TENANT_SETTING_DEFINITIONS.retentionRules.check(value);
      return error ? { error } : { value };
    },
    // The compliance context replaces this check with its full rule validation at start-up.
    check: (value) => (Array.isArray(value) ? undefined : 'must be a JSON array of retention rules'),
  },
};

/**
 * Replaces the check of one setting, so the context that consumes a setting can enforce its own
 * rules when an operator changes it. Parsing still goes through the setting's `parse`.
 */
export function registerTenantSettingCheck(key: TenantSettingKey, check: (value: unknown) => string | undefined): void {
  TENANT_SETTING_DEFINITIONS[key].check = check;
}

export function isTenantSettingKey(key: string): key is TenantSettingKey {
  return Object.hasOwn(TENANT_SETTING_DEFINITIONS, key);
}

function unknownKey(key: string): FieldError {
  return {
    field: `settings.${key}`,
    rule: 'known',
    message: `"${key}" is not a tenant setting; use one of ${Object.keys(TENANT_SETTING_DEFINITIONS).join(', ')}`,
  };
}

/** Checks typed settings, such as those of a command, and returns one error per invalid key. */
export function validateTenantSettings(settings: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(settings)) {
    if (!isTenantSettingKey(key)) {
      errors.push(unknownKey(key));
      continue;
    }
    const problem = TENANT_SETTING_DEFINITIONS[key].check(value);
    if (problem) errors.push({ field: `settings.${key}`, rule: 'valid', message: `${key} ${problem}` });
  }
  return errors;
}

/**
 * Parses `key=value` assignments, as the CLI receives them, into typed settings. Returns every
 * problem at once: a missing `=`, an unknown key, a key given twice, or an invalid value.
 */
export function parseTenantSettingAssignments(assignments: readonly string[]): {
  values: TenantSettingValues;
  errors: FieldError[];
} {
  const values: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  for (const assignment of assignments) {
    const separator = assignment.indexOf('=');
    if (separator <= 0) {
      errors.push({ field: 'settings', rule: 'format', message: `"${assignment}" is invalid: expected key=value` });
      continue;
    }
    const key = assignment.slice(0, separator).trim();
    const text = assignment.slice(separator + 1);
    if (!isTenantSettingKey(key)) {
      errors.push(unknownKey(key));
      continue;
    }
    if (Object.hasOwn(values, key)) {
      errors.push({ field: `settings.${key}`, rule: 'unique', message: `${key} is set more than once` });
      continue;
    }
    const parsed = TENANT_SETTING_DEFINITIONS[key].parse(text);
    if ('error' in parsed) {
      errors.push({ field: `settings.${key}`, rule: 'valid', message: `${key}="${text}" is invalid: ${parsed.error}` });
    } else {
      values[key] = parsed.value;
    }
  }
  return { values: values as TenantSettingValues, errors };
}
