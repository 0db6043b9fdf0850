import { Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { MasalaException, type FieldError } from '#kernel';
import { isTenantSettingKey, validateTenantSettings } from '../../domain/tenant-settings.js';
import { TenantSettingsChangedEvent } from '../../events/tenant-settings-changed.event.js';
import { TenantRecords, type TenantChangeResult } from '../../infrastructure/tenant-records.js';
import { ChangeTenantSettingsCommand } from './change-tenant-settings.command.js';

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

@CommandHandler(ChangeTenantSettingsCommand)
export class ChangeTenantSettingsHandler implements ICommandHandler<ChangeTenantSettingsCommand> {
  private readonly logger = new Logger(ChangeTenantSettingsHandler.name);

  constructor(private readonly records: TenantRecords) {}

  async execute({ slug, actor, changes }: ChangeTenantSettingsCommand): Promise<TenantChangeResult> {
    const set = changes.set as Record<string, unknown>;
    const errors: FieldError[] = validateTenantSettings(set);
    for (const key of changes.unset) {
      if (!isTenantSettingKey(key)) {
        errors.push({ field: `settings.${key}`, rule: 'known', message: `"${key}" is not a tenant setting` });
      } else if (Object.hasOwn(set, key)) {
        errors.push({ field: `settings.${key}`, rule: 'conflict', message: `${key} is both set and unset` });
      }
    }
    if (errors.length > 0) throw MasalaException.validation(errors);

    const result = await this.records.change(slug, (tenant) => {
      const current = { ...(tenant.settings ?? {}) } as Record<string, unknown>;
      const old: Record<string, unknown> = {};
      const changed: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(set)) {
        if (sameValue(current[key], value)) continue;
        old[key] = current[key] ?? null;
        changed[key] = value;
        current[key] = value;
      }
      for (const key of changes.unset) {
        if (!Object.hasOwn(current, key)) continue;
        old[key] = current[key];
        changed[key] = null;
        delete current[key];
      }
      if (Object.keys(changed).length === 0) return null;
      tenant.settings = current;
      return new TenantSettingsChangedEvent(tenant, actor, old, changed);
    });
    if (result.changed) {
      this.logger.log({ message: 'Tenant settings changed', tenantId: result.tenant.id, keys: [...Object.keys(set), ...changes.unset] });
    }
    return result;
  }
}
