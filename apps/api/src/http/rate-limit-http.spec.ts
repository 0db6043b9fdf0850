import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { BlockedTenants, TENANT_LIMIT, type RateLimit } from './rate-limit-http.js';

const LIMIT: RateLimit = { name: TENANT_LIMIT, limit: 600, tracker: 'tenant-a' };
const blockedFor = (seconds: number) => ({ totalHits: 601, timeToExpire: seconds, isBlocked: true, timeToBlockExpire: seconds });

describe('BlockedTenants', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('finds a blocked tenant until its window ends', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const tenants = new BlockedTenants();
    tenants.block(LIMIT, blockedFor(30));
    expect(tenants.find('tenant-a')).toEqual({ limit: LIMIT, record: blockedFor(29) });
    expect(tenants.find('tenant-b')).toBeUndefined();

    jest.setSystemTime(1_000_000 + 28_500);
    expect(tenants.find('tenant-a')?.record.timeToBlockExpire).toBe(1);
    jest.setSystemTime(1_000_000 + 29_000);
    expect(tenants.find('tenant-a')).toBeUndefined();
  });

  it('ignores a window in its last second', () => {
    const tenants = new BlockedTenants();
    tenants.block(LIMIT, blockedFor(1));
    expect(tenants.find('tenant-a')).toBeUndefined();
  });
});
