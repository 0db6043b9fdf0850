import { Command } from '@nestjs/cqrs';
import type { Actor } from '#kernel';
import type { TenantChangeResult } from '../../infrastructure/tenant-records.js';

/** Lets a suspended tenant's requests through again. */
export class ResumeTenantCommand extends Command<TenantChangeResult> {
  constructor(
    readonly slug: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
