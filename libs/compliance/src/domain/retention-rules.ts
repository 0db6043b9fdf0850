import type { RetentionRule } from '#kernel';

const DOMAIN_ID = /^(\*|[A-Za-z0-9_-]{1,64})$/;
const MAX_DAYS = 36_500;
const MAX_RULES = 100;
const ACTIONS: ReadonlyArray<RetentionRule['action']> = ['anonymise', 'purge'];

export interface ParsedRetentionRules {
  rules: RetentionRule[];
  /** One message per invalid entry; retention does not run while this is not empty. */
  problems: string[];
}

/**
 * Builds a tenant's retention rules from its settings: each entry of `retentionRules`
 * (`{ domainId, days, action }`, `domainId` `*` for every other domain), and `retentionDays` as
 * an `anonymise` rule for every domain when `retentionRules` has no `*` entry. No setting means
 * no rule, so nothing expires.
 */
export function retentionRulesOf(settings: Record<string, unknown>): ParsedRetentionRules {
  const parsed = parseRetentionRules(settings['retentionRules']);
  const days = settings['retentionDays'];
  if (days !== undefined && !parsed.rules.some((rule) => rule.domainId === '*')) {
    if (typeof days === 'number' && Number.isInteger(days) && days >= 1 && days <= MAX_DAYS) {
      parsed.rules.push({ domainId: '*', days, action: 'anonymise' });
    } else {
      parsed.problems.push(`retentionDays must be a whole number from 1 to ${MAX_DAYS}`);
    }
  }
  return parsed;
}

/** Validates the `retentionRules` setting; absent means no rules. */
export function parseRetentionRules(value: unknown): ParsedRetentionRules {
  if (value === undefined || value === null) return { rules: [], problems: [] };
  if (!Array.isArray(value))
    return { rules: [], problems: ['retentionRules must be an array of rules'] };
  if (value.length > MAX_RULES) {
    return {
      rules: [],
      problems: [`retentionRules has ${value.length} entries; at most ${MAX_RULES}`],
    };
  }

  const rules: RetentionRule[] = [];
  const problems: string[] = [];
  value.forEach((entry: unknown, index) => {
    const path = `retentionRules[${index}]`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      problems.push(`${path} must be an object with domainId, days and action`);
      return;
    }
    const { domainId, days, action, ...rest } = entry as Record<string, unknown>;
    const before = problems.length;
    if (typeof domainId !== 'string' || !DOMAIN_ID.test(domainId)) {
      problems.push(`${path}.domainId must be a domain id from the domain configuration, or "*"`);
    } else if (rules.some((rule) => rule.domainId === domainId)) {
      problems.push(`${path}.domainId "${domainId}" has a rule already`);
    }
    if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > MAX_DAYS) {
      problems.push(`${path}.days must be a whole number from 1 to ${MAX_DAYS}`);
    }
    if (!ACTIONS.includes(action as RetentionRule['action'])) {
      problems.push(`${path}.action must be "anonymise" or "purge"`);
    }
    for (const key of Object.keys(rest)) problems.push(`${path}.${key} is not a rule property`);
    if (problems.length === before) {
      rules.push({
        domainId: domainId as string,
        days: days as number,
        action: action as RetentionRule['action'],
      });
    }
  });
  return { rules, problems };
}
