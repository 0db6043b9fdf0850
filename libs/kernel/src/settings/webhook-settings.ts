/** Settings for the delivery of ticket events to webhooks. */
export interface WebhookSettings {
  /**
   * Whether webhooks may target loopback, private, link-local and metadata addresses
   * (MASALA_WEBHOOK_ALLOW_PRIVATE). Off by default, so a webhook cannot reach internal services.
   */
  webhookAllowPrivate: boolean;
  /** Delay before the first retry of a failed delivery, doubled for each later retry, in ms. */
  webhookRetryBaseMs: number;
  /** Delivery attempts, the first included, before a delivery is marked failed. */
  webhookMaxAttempts: number;
  /** Time allowed for connecting, sending and receiving the response headers, in ms. */
  webhookTimeoutMs: number;
}

type Env = Record<string, string | undefined>;

/** Reads the webhook settings, adding one message to `problems` per invalid value. */
export function loadWebhookSettings(env: Env, problems: string[]): WebhookSettings {
  const text = (name: string): string | undefined => env[name]?.trim() || undefined;
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name}="${raw}" is invalid: expected a whole number from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };
  const allowPrivate = text('MASALA_WEBHOOK_ALLOW_PRIVATE')?.toLowerCase();
  if (allowPrivate !== undefined && allowPrivate !== 'true' && allowPrivate !== 'false') {
    problems.push(`MASALA_WEBHOOK_ALLOW_PRIVATE="${allowPrivate}" is invalid: expected true or false`);
  }

  return {
    webhookAllowPrivate: allowPrivate === 'true',
    webhookRetryBaseMs: integer('MASALA_WEBHOOK_RETRY_BASE_MS', 30_000, 1, 86_400_000),
    webhookMaxAttempts: integer('MASALA_WEBHOOK_MAX_ATTEMPTS', 8, 1, 100),
    webhookTimeoutMs: integer('MASALA_WEBHOOK_TIMEOUT_MS', 10_000, 100, 600_000),
  };
}
