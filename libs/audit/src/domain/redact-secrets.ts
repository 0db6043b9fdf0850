const SECRET_KEY = /pass(word)?|secret|token|api[_-]?key|hash|otp|recovery/i;

/**
 * Copies change values into plain JSON (dates become ISO strings), replacing every value whose
 * key names a secret with "[redacted]", so no password, token or key reaches the audit trail.
 */
export function toAuditValues(values: Record<string, unknown> | undefined): Record<string, unknown> | null {
  if (!values) return null;
  const plain = JSON.parse(JSON.stringify(values)) as Record<string, unknown>;
  return redact(plain) as Record<string, unknown>;
}

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, item]) => [
      key,
      SECRET_KEY.test(key) ? '[redacted]' : redact(item),
    ]),
  );
}
