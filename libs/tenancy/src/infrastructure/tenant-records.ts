import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DatabaseRouter, RequestContext, TenantDatabase, type DomainEvent } from '#kernel';
import { Tenant } from '../domain/tenant.entity.js';
import { TenancyException } from '../domain/tenancy.exception.js';
import { TenantRegistry } from './tenant-registry.js';

/** Changes `tenant` in place and returns the event that records it, or null when nothing changes. */
export type TenantChange = (tenant: Tenant) => DomainEvent | null;

export interface TenantChangeResult {
  tenant: Tenant;
  changed: boolean;
}

/**
 * Writes changes to a tenant's registry row together with the audit event that records them.
 * When the tenant's rows share the catalog database (shared storage, and PostgreSQL), the row
 * and the audit entry commit in one transaction. A tenant with its own SQLite file keeps its
 * audit trail in that file, so the row is committed first and the event right after it.
 */
@Injectable()
export class TenantRecords {
  constructor(
    private readonly router: DatabaseRouter,
    private readonly database: TenantDatabase,
    private readonly registry: TenantRegistry,
  ) {}

  async change(slug: string, apply: TenantChange): Promise<TenantChangeResult> {
    const normalized = slug.trim().toLowerCase();
    const known = await this.registry.findBySlug(normalized);
    if (!known) throw TenancyException.unknownTenant(normalized);

    const result = await RequestContext.withTenant(
      known.id,
      async () => {
        if (await this.router.isInCatalog(known.id)) {
          return this.database.write(known.id, async (unitOfWork) => {
            const outcome = await this.applyToRow(unitOfWork.manager, known.id, apply);
            if (outcome.event) await unitOfWork.emit(outcome.event);
            return outcome;
          });
        }
        // NOTE: a crash between these two commits leaves the change without its audit entry.
        const outcome = await this.router
          .catalog()
          .write(known.id, (manager) => this.applyToRow(manager, known.id, apply));
        if (outcome.event) {
          const event = outcome.event;
          await this.database.write(known.id, (unitOfWork) => unitOfWork.emit(event));
        }
        return outcome;
      },
      { system: true },
    );
    this.registry.forget(result.tenant);
    return { tenant: result.tenant, changed: result.event !== null };
  }

  private async applyToRow(
    manager: EntityManager,
    tenantId: string,
    apply: TenantChange,
  ): Promise<{ tenant: Tenant; event: DomainEvent | null }> {
    const tenant = await manager.findOne(Tenant, { where: { id: tenantId } });
    if (!tenant) throw TenancyException.unknownTenant();
    const event = apply(tenant);
    if (event) {
      tenant.updatedAt = new Date();
      await manager.update(
        Tenant,
        { id: tenant.id },
        { status: tenant.status, settings: tenant.settings, updatedAt: tenant.updatedAt },
      );
    }
    return { tenant, event };
  }
}
