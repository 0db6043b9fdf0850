import { describe, expect, it } from '@jest/globals';
import type { Actor } from '#kernel';
import { AccessDenialLimiter, type DenialSource } from './access-denial-limiter.js';

const alice: Actor = { type: 'user', id: 'alice', roles: [] };
const bob: Actor = { type: 'user', id: 'bob', roles: [] };
const source = (actor: Actor, route = '/api/v1/audit'): DenialSource => ({
  tenantId: 'tenant-a',
  actor,
  method: 'GET',
  route,
});

function limiterAt(start = Date.parse('2026-12-01T10:00:00.000Z')) {
  const clock = { now: start };
  const limiter = new AccessDenialLimiter(
    { maxPerWindow: 3, windowMs: 60_000, maxSources: 100 },
    () => clock.now,
  );
  return { limiter, clock };
}

describe('AccessDenialLimiter', () => {
  it('records up to the limit, then counts', () => {
    const { limiter } = limiterAt();
    const decisions = Array.from({ length: 5 }, () => limiter.register(source(alice)).record);
    expect(decisions).toEqual([true, true, true, false, false]);
  });

  it('keeps separate windows per actor and route', () => {
    const { limiter } = limiterAt();
    for (let index = 0; index < 3; index += 1) limiter.register(source(alice));
    expect(limiter.register(source(bob)).record).toBe(true);
    expect(limiter.register(source(alice, '/api/v1/tickets/:id')).record).toBe(true);
    expect(limiter.register(source(alice)).record).toBe(false);
  });

  it('summarises a window when the next one starts', () => {
    const { limiter, clock } = limiterAt();
    for (let index = 0; index < 7; index += 1) limiter.register(source(alice));
    clock.now += 60_000;
    const next = limiter.register(source(alice));
    expect(next.record).toBe(true);
    expect(next.ended).toHaveLength(1);
    expect(next.ended[0]!.suppressed).toBe(4);
    expect(next.ended[0]!.windowStart).toBe('2026-12-01T10:00:00.000Z');
    expect(next.ended[0]!.windowEnd).toBe('2026-12-01T10:01:00.000Z');
  });

  it('writes no summary for a window within the limit', () => {
    const { limiter, clock } = limiterAt();
    limiter.register(source(alice));
    clock.now += 120_000;
    expect(limiter.register(source(alice)).ended).toEqual([]);
  });

  it('sweeps ended windows only, unless asked for all', () => {
    const { limiter, clock } = limiterAt();
    for (let index = 0; index < 4; index += 1) limiter.register(source(alice));
    clock.now += 30_000;
    for (let index = 0; index < 5; index += 1) limiter.register(source(bob));
    clock.now += 30_000;
    const ended = limiter.sweep();
    expect(ended.map((summary) => [summary.actor.id, summary.suppressed])).toEqual([['alice', 1]]);
    expect(limiter.trackedSources()).toBe(1);
    const rest = limiter.sweep(true);
    expect(rest.map((summary) => [summary.actor.id, summary.suppressed])).toEqual([['bob', 2]]);
    expect(limiter.trackedSources()).toBe(0);
  });

  it('closes every window when too many sources are tracked', () => {
    const clock = { now: 0 };
    const limiter = new AccessDenialLimiter(
      { maxPerWindow: 1, windowMs: 60_000, maxSources: 2 },
      () => clock.now,
    );
    limiter.register(source(alice));
    limiter.register(source(alice));
    limiter.register(source(bob));
    const third = limiter.register(source({ type: 'user', id: 'carol', roles: [] }));
    expect(third.ended.map((summary) => summary.actor.id)).toEqual(['alice']);
    expect(limiter.trackedSources()).toBe(1);
  });
});
