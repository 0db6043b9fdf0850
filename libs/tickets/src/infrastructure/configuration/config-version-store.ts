import { Injectable } from '@nestjs/common';
import type { QueryDeepPartialEntity } from 'typeorm';
import { DatabaseRouter, RequestContext, TenantDatabase } from '#kernel';
import { ConfigurationActivatedEvent } from '../../events/configuration-activated.event.js';
import type { ScopedConfiguration } from './configuration-set.js';
import { DomainConfigActivation } from './domain-config-activation.entity.js';
import { DomainConfigVersion } from './domain-config-version.entity.js';

/** Stores configuration versions in the catalog and records activations in tenant trails. */
@Injectable()
export class ConfigVersionStore {
  constructor(
    private readonly router: DatabaseRouter,
    private readonly database: TenantDatabase,
  ) {}

  /** Inserts a version row for each configuration not stored yet, keeping existing rows. */
  async storeVersions(entries: readonly ScopedConfiguration[]): Promise<void> {
    if (entries.length === 0) {
      return;
    }
    const activatedAt = new Date();
    await this.asSystem(() =>
      this.router.catalog().write('', async (manager) => {
        for (const { tenantScope, configuration } of entries) {
          const row: QueryDeepPartialEntity<DomainConfigVersion> = {
            id: configuration.version,
            sourcePath: configuration.sourcePath,
            tenantScope,
            snapshot: configuration.snapshot as QueryDeepPartialEntity<unknown>,
            activatedAt,
          };
          // Another instance may store the same version at once, so a conflict is no error.
          await manager
            .createQueryBuilder()
            .insert()
            .into(DomainConfigVersion)
            .values(row)
            .orIgnore()
            .execute();
        }
      }),
    );
  }

  /**
   * Records `active` as the tenant's configuration, with a `configuration.activated` audit
   * entry in the same transaction, unless the tenant's trail already names it. Returns whether
   * an entry was written.
   */
  async recordActivation(
    tenantId: string,
    active: ScopedConfiguration,
    file: string,
  ): Promise<boolean> {
    const { configuration, tenantScope } = active;
    const isRecorded = (row: DomainConfigActivation | null) =>
      row?.versionId === configuration.version && row.tenantScope === tenantScope;
    // A read first spares a write transaction per tenant when start-up finds nothing to record.
    const stored = await this.asSystem(() =>
      this.database.read(tenantId, (manager) =>
        manager.findOne(DomainConfigActivation, { where: { tenantId } }),
      ),
    );
    if (isRecorded(stored)) {
      return false;
    }
    return this.asSystem(() =>
      this.database.write(tenantId, async (unitOfWork) => {
        const manager = unitOfWork.manager;
        const current = await manager.findOne(DomainConfigActivation, { where: { tenantId } });
        if (isRecorded(current)) {
          return false;
        }
        const values = { versionId: configuration.version, tenantScope, activatedAt: new Date() };
        if (current === null) {
          await manager.insert(DomainConfigActivation, { tenantId, ...values });
        } else {
          // Compare-and-set: when another instance recorded a change first, write nothing.
          const where = { tenantId, versionId: current.versionId };
          const result = await manager.update(DomainConfigActivation, where, values);
          if (result.affected === 0) {
            return false;
          }
        }
        const event = new ConfigurationActivatedEvent(
          tenantId,
          configuration,
          tenantScope,
          file,
          current,
        );
        await unitOfWork.emit(event);
        return true;
      }),
    );
  }

  private asSystem<T>(work: () => Promise<T>): Promise<T> {
    const correlationId = `configuration-${crypto.randomUUID()}`;
    return RequestContext.run({ correlationId, system: true }, work);
  }
}
