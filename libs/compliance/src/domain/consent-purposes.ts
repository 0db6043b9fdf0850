/** A purpose of processing that users consent to, or are informed about, in one tenant. */
export interface ConsentPurpose {
  code: string;
  /** When true, the processing in `blocks` stops while the subject has not granted this purpose. */
  requiresConsent: boolean;
  /** Processing names (see KNOWN_PROCESSING in the kernel) that need this consent. */
  blocks: readonly string[];
  /** When set, only a grant for this policy version counts, and records must name it. */
  policyVersion?: string;
}

/**
 * Purposes of a tenant whose settings name none. Notification and marketing e-mail and webhooks
 * that carry personal data need consent. Operating the service needs none, because it performs
 * the contract (GDPR Art. 6(1)(b)), so that purpose is listed for information only.
 */
export const DEFAULT_CONSENT_PURPOSES: readonly ConsentPurpose[] = [
  { code: 'service_operation', requiresConsent: false, blocks: [] },
  { code: 'notification_emails', requiresConsent: true, blocks: ['notification_emails'] },
  { code: 'marketing_emails', requiresConsent: true, blocks: ['marketing_emails'] },
  { code: 'third_party_webhooks', requiresConsent: true, blocks: ['webhook_personal_data'] },
];

export const CODE_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;
const MAX_PURPOSES = 100;

export interface ParsedPurposes {
  purposes: ConsentPurpose[];
  /** One message per invalid entry; the purposes are unusable while this is not empty. */
  problems: string[];
}

/**
 * Validates the `consentPurposes` tenant setting. An absent setting gives the defaults; an
 * invalid one gives problems, and callers then fail closed (processing that needs consent stops).
 */
export function parseConsentPurposes(value: unknown): ParsedPurposes {
  if (value === undefined || value === null) {
    return { purposes: DEFAULT_CONSENT_PURPOSES.map((purpose) => ({ ...purpose })), problems: [] };
  }
  if (!Array.isArray(value)) {
    return { purposes: [], problems: ['consentPurposes must be an array of purposes'] };
  }
  if (value.length > MAX_PURPOSES) {
    return {
      purposes: [],
      problems: [`consentPurposes has ${value.length} entries; at most ${MAX_PURPOSES}`],
    };
  }

  const problems: string[] = [];
  const purposes: ConsentPurpose[] = [];
  const seen = new Set<string>();
  value.forEach((entry: unknown, index) => {
    const parsed = parsePurpose(entry, `consentPurposes[${index}]`, problems);
    if (!parsed) return;
    if (seen.has(parsed.code)) {
      problems.push(`consentPurposes[${index}].code "${parsed.code}" is listed twice`);
      return;
    }
    seen.add(parsed.code);
    purposes.push(parsed);
  });
  return { purposes, problems };
}

function parsePurpose(
  entry: unknown,
  path: string,
  problems: string[],
): ConsentPurpose | undefined {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    problems.push(`${path} must be an object with code, requiresConsent and blocks`);
    return undefined;
  }
  const record = entry as Record<string, unknown>;
  const before = problems.length;
  const { code, requiresConsent, blocks, policyVersion } = record;
  if (typeof code !== 'string' || !CODE_PATTERN.test(code)) {
    problems.push(
      `${path}.code must be lower-case letters, digits and "_", starting with a letter`,
    );
  }
  if (typeof requiresConsent !== 'boolean') {
    problems.push(`${path}.requiresConsent must be true or false`);
  }
  const blockList = blocks ?? [];
  if (
    !Array.isArray(blockList) ||
    blockList.some((item) => typeof item !== 'string' || !CODE_PATTERN.test(item))
  ) {
    problems.push(
      `${path}.blocks must be a list of processing names such as "notification_emails"`,
    );
  }
  if (
    policyVersion !== undefined &&
    (typeof policyVersion !== 'string' || !isPolicyVersion(policyVersion))
  ) {
    problems.push(`${path}.policyVersion must be 1 to 64 printable characters`);
  }
  const unknownKeys = Object.keys(record).filter(
    (key) => !['code', 'requiresConsent', 'blocks', 'policyVersion'].includes(key),
  );
  for (const key of unknownKeys) problems.push(`${path}.${key} is not a purpose property`);
  if (problems.length > before) return undefined;

  return {
    code: code as string,
    requiresConsent: requiresConsent as boolean,
    blocks: [...new Set(blockList as string[])],
    ...(policyVersion === undefined ? {} : { policyVersion: policyVersion as string }),
  };
}

export function isPolicyVersion(value: string): boolean {
  return value.length >= 1 && value.length <= 64 && /^[\x21-\x7e]+$/.test(value);
}

/** Purposes that require consent and block `processing`. */
export function purposesBlocking(
  purposes: readonly ConsentPurpose[],
  processing: string,
): ConsentPurpose[] {
  return purposes.filter(
    (purpose) => purpose.requiresConsent && purpose.blocks.includes(processing),
  );
}
