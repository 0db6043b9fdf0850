import { Command } from '@nestjs/cqrs';
import type { Actor } from '#kernel';
import type { TenantSettingValues } from '../../domain/tenant-settings.js';
import type { TenantChangeResult } from '../../infrastructure/tenant-records.js';

/** Sets and removes tenant settings; a removed setting falls back to the instance default. */
export class ChangeTenantSettingsCommand extends Command<TenantChangeResult> {
  constructor(
    readonly slug: string,
    readonly actor: Actor,
    readonly changes: { set: TenantSettingValues; unset: readonly string[] },
  ) {
    super();
  }
}
