import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { MASALA_SETTINGS, type MasalaSettings } from '#kernel';
import { TenancyModule } from '#tenancy';
import { AddressRateLimitGuard } from './rate-limit-address.guard.js';
import { BlockedTenants } from './rate-limit-http.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { MemoryRateLimitStorage, RATE_LIMIT_STORAGE } from './rate-limit-storage.js';
import { RedisRateLimitStorage } from './redis-rate-limit-storage.js';

/**
 * Rate limit counters and the address limit, which is checked before authentication. Counters
 * live in process memory, or in Redis when REDIS_URL is set so that every instance shares them.
 *
 * NOTE: the counters follow the ThrottlerStorage contract of @nestjs/throttler 6, but the package
 * itself is not loaded. Version 6.7.1 ships CommonJS that requires the ESM-only @nestjs/common
 * 12, and jest 30 cannot load that on Node 20, so no test could start the application with it.
 *
 * Import it before IdentityModule, so that its guard runs before the access guard: Nest runs
 * global guards in the order their modules are first imported.
 */
@Module({
  providers: [
    {
      provide: RATE_LIMIT_STORAGE,
      inject: [MASALA_SETTINGS],
      useFactory: (settings: MasalaSettings) =>
        settings.redisUrl === undefined
          ? new MemoryRateLimitStorage()
          : new RedisRateLimitStorage(settings.redisUrl),
    },
    BlockedTenants,
    { provide: APP_GUARD, useClass: AddressRateLimitGuard },
  ],
  exports: [RATE_LIMIT_STORAGE, BlockedTenants],
})
export class RateLimitModule {}

/**
 * Rate limits per client, tenant and login account, which read the verified caller. Import it
 * after IdentityModule, so that its guard runs after the access guard, and after RateLimitModule.
 */
@Module({
  imports: [RateLimitModule, TenancyModule],
  providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }],
})
export class PrincipalRateLimitModule {}
