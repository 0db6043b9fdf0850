import { describe, expect, it } from '@jest/globals';
import { MAX_RETRY_DELAY_MS, retryDelayMs } from './retry-schedule.js';

describe('retryDelayMs', () => {
  it('doubles the delay for each failed attempt', () => {
    const delays = [1, 2, 3, 4, 5].map((attempts) => retryDelayMs(attempts, 1000, () => 0));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000]);
  });

  it('caps the delay at six hours', () => {
    expect(retryDelayMs(40, 30_000, () => 0)).toBe(MAX_RETRY_DELAY_MS);
  });

  it('adds at most 10% jitter', () => {
    expect(retryDelayMs(1, 1000, () => 0.999)).toBe(1100);
  });
});
