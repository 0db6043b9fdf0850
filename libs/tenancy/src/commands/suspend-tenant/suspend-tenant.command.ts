import { Command } from '@nestjs/cqrs';
import type { Actor } from '#kernel';
import type { TenantChangeResult } from '../../infrastructure/tenant-records.js';

/** Blocks every request of the tenant with 403 and leaves its data as it is. */
export class SuspendTenantCommand extends Command<TenantChangeResult> {
  constructor(
    readonly slug: string,
    readonly actor: Actor,
    readonly reason?: string,
  ) {
    super();
  }
}
