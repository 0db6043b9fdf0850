/** Maximum wait between two attempts, so a long outage still gets a retry every few hours. */
export const MAX_RETRY_DELAY_MS = 6 * 60 * 60 * 1000;

/**
 * Waiting time before the next attempt after `attempts` failed ones: `baseMs * 2^(attempts-1)`,
 * capped at six hours, plus up to 10% random jitter so that many failed deliveries do not all
 * retry in the same instant.
 */
export function retryDelayMs(attempts: number, baseMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(baseMs * 2 ** Math.max(0, attempts - 1), MAX_RETRY_DELAY_MS);
  return Math.round(exponential * (1 + 0.1 * random()));
}
