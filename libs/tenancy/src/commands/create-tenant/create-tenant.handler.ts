import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  DatabaseRouter,
  MASALA_SETTINGS,
  MasalaException,
  RequestContext,
  TenantDatabase,
  type FieldError,
  type MasalaSettings,
} from '#kernel';
import { Tenant } from '../../domain/tenant.entity.js';
import { TenancyException } from '../../domain/tenancy.exception.js';
import { validateTenantInput } from '../../domain/tenant-rules.js';
import { validateTenantSettings } from '../../domain/tenant-settings.js';
import { TenantCreatedEvent } from '../../events/tenant-created.event.js';
import { TenantRegistry } from '../../infrastructure/tenant-registry.js';
import { CreateTenantCommand } from './create-tenant.command.js';

/** Registers a tenant in the catalog and records the creation in the tenant's own audit trail. */
@CommandHandler(CreateTenantCommand)
export class CreateTenantHandler implements ICommandHandler<CreateTenantCommand> {
  private readonly logger = new Logger(CreateTenantHandler.name);

  constructor(
    private readonly router: DatabaseRouter,
    private readonly database: TenantDatabase,
    private readonly registry: TenantRegistry,
    @Inject(MASALA_SETTINGS) private readonly settings: MasalaSettings,
  ) {}

  async execute({ input, actor }: CreateTenantCommand): Promise<Tenant> {
    const now = new Date();
    const tenant = new Tenant();
    Object.assign(tenant, {
      id: crypto.randomUUID(),
      slug: input.slug.trim().toLowerCase(),
      name: input.name.trim(),
      status: 'active',
      jurisdiction: (input.jurisdiction ?? 'BE').trim().toUpperCase(),
      storage: this.settings.tenancy === 'database' ? 'dedicated' : (input.storage ?? 'shared'),
      settings: input.settings ?? {},
      createdAt: now,
      updatedAt: now,
    });
    const errors = [
      ...validateTenantInput(tenant),
      ...this.validateStorage(tenant.storage),
      ...validateTenantSettings(tenant.settings as Record<string, unknown>),
    ];
    if (errors.length > 0) throw MasalaException.validation(errors);
    if (this.settings.tenancy === 'isolated' && tenant.slug !== this.settings.isolatedTenant) {
      throw MasalaException.validation([
        {
          field: 'slug',
          rule: 'isolated',
          message: `this instance serves only tenant "${this.settings.isolatedTenant}" (MASALA_TENANT)`,
        },
      ]);
    }

    await RequestContext.withTenant(tenant.id, async () => {
      await this.router.catalog().write(tenant.id, async (manager) => {
        if (await manager.exists(Tenant, { where: { slug: tenant.slug } })) {
          throw TenancyException.slugTaken(tenant.slug);
        }
        await manager.insert(Tenant, tenant);
      });
    }, { system: true });
    this.registry.forget(tenant);

    await RequestContext.withTenant(tenant.id, () =>
      this.database.write(tenant.id, (unitOfWork) => unitOfWork.emit(new TenantCreatedEvent(tenant, actor))),
    );
    this.logger.log({ message: 'Tenant created', tenantId: tenant.id, storage: tenant.storage });
    return tenant;
  }

  private validateStorage(storage: string): FieldError[] {
    if (storage !== 'shared' && storage !== 'dedicated') {
      return [{ field: 'storage', rule: 'enum', message: `storage "${storage}" is invalid: use shared or dedicated` }];
    }
    if (storage === 'dedicated' && this.settings.databaseUrl) {
      return [
        {
          field: 'storage',
          rule: 'dedicated',
          message: 'dedicated storage is one SQLite file per tenant and is not available with DATABASE_URL (PostgreSQL)',
        },
      ];
    }
    return [];
  }
}
