import type { Actor } from '#kernel';

/** Source of a stream of denials: one actor of one tenant on one route. */
export interface DenialSource {
  tenantId: string;
  actor: Actor;
  method: string;
  route: string;
}

/** A rate-limiting window that ended with denials that were not recorded one by one. */
export interface SuppressedDenials extends DenialSource {
  suppressed: number;
  windowStart: string;
  windowEnd: string;
}

interface DenialWindow {
  source: DenialSource;
  startedAt: number;
  recorded: number;
  suppressed: number;
}

export interface DenialLimits {
  /** Denials recorded one by one per source and window; later ones are only counted. */
  maxPerWindow: number;
  windowMs: number;
  /** Sources tracked at once; beyond it every window is closed early, so memory stays bounded. */
  maxSources: number;
}

export const DEFAULT_DENIAL_LIMITS: DenialLimits = {
  maxPerWindow: 10,
  windowMs: 60_000,
  maxSources: 10_000,
};

/**
 * Fixed-window counter of denials per tenant, actor and route. The first `maxPerWindow` denials of
 * a window are recorded; the rest are counted and reported as one summary when the window ends.
 * Counters live in process memory, so each API instance limits on its own.
 */
export class AccessDenialLimiter {
  private readonly windows = new Map<string, DenialWindow>();

  constructor(
    private readonly limits: DenialLimits = DEFAULT_DENIAL_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one denial; returns whether to record it and the summaries of windows that ended. */
  register(source: DenialSource): { record: boolean; ended: SuppressedDenials[] } {
    const now = this.now();
    const key = JSON.stringify([
      source.tenantId,
      source.actor.type,
      source.actor.id,
      source.method,
      source.route,
    ]);
    const ended: SuppressedDenials[] = [];

    let window = this.windows.get(key);
    if (window && now - window.startedAt >= this.limits.windowMs) {
      ended.push(...this.close(key, window, now));
      window = undefined;
    }
    if (!window) {
      if (this.windows.size >= this.limits.maxSources) ended.push(...this.sweep(true));
      window = { source, startedAt: now, recorded: 0, suppressed: 0 };
      this.windows.set(key, window);
    }

    if (window.recorded < this.limits.maxPerWindow) {
      window.recorded += 1;
      return { record: true, ended };
    }
    window.suppressed += 1;
    return { record: false, ended };
  }

  /** Closes the windows that have ended, or all of them, and returns their summaries. */
  sweep(all = false): SuppressedDenials[] {
    const now = this.now();
    const ended: SuppressedDenials[] = [];
    for (const [key, window] of this.windows) {
      if (all || now - window.startedAt >= this.limits.windowMs)
        ended.push(...this.close(key, window, now));
    }
    return ended;
  }

  trackedSources(): number {
    return this.windows.size;
  }

  private close(key: string, window: DenialWindow, now: number): SuppressedDenials[] {
    this.windows.delete(key);
    if (window.suppressed === 0) return [];
    const end = Math.min(now, window.startedAt + this.limits.windowMs);
    return [
      {
        ...window.source,
        suppressed: window.suppressed,
        windowStart: new Date(window.startedAt).toISOString(),
        windowEnd: new Date(end).toISOString(),
      },
    ];
  }
}
