import { Command } from '@nestjs/cqrs';
import type { Actor } from '#kernel';
import type { Tenant, TenantSettings, TenantStorage } from '../../domain/tenant.entity.js';

export class CreateTenantCommand extends Command<Tenant> {
  constructor(
    readonly input: {
      slug: string;
      name: string;
      jurisdiction?: string;
      storage?: TenantStorage;
      settings?: TenantSettings;
    },
    readonly actor: Actor,
  ) {
    super();
  }
}
