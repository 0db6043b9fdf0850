/** Keys whose values are secrets, matched anywhere in the key and in any letter case. */
const SECRET_KEY =
  /pass(word|phrase)?|secret|token|api[_-]?key|private[_-]?key|hash|otp|recovery|authorization|cookie|credential/i;

/** Values that are secrets whatever their key: JWTs, bearer credentials and password hashes. */
const SECRET_VALUE = [
  /^eyJ[\w-]*\.eyJ[\w-]*\.[\w-]*$/,
  /^bearer\s+\S+/i,
  /^\$argon2(id|i|d)\$/,
  /^\$2[aby]\$\d{2}\$/,
  /^\$scrypt\$/,
];

export const REDACTED = '[redacted]';

/**
 * Copies change values into plain JSON, with dates as ISO strings. Every value whose key names a
 * secret, and every string that has the form of a token or password hash, becomes "[redacted]",
 * so no password, token or key in the values reaches the audit trail.
 */
export function toAuditValues(
  values: Record<string, unknown> | undefined,
): Record<string, unknown> | null {
  if (!values) return null;
  const plain = JSON.parse(JSON.stringify(values)) as Record<string, unknown>;
  return redact(plain) as Record<string, unknown>;
}

function redact(value: unknown): unknown {
  if (typeof value === 'string')
    return SECRET_VALUE.some((pattern) => pattern.test(value)) ? REDACTED : value;
  if (Array.isArray(value)) return value.map(redact);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, item]) => [
      key,
      SECRET_KEY.test(key) ? REDACTED : redact(item),
    ]),
  );
}
