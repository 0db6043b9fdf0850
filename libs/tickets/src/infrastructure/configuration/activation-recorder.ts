import { Logger } from '@nestjs/common';
import type { TenantRegistry } from '#tenancy';
import type { ConfigVersionStore } from './config-version-store.js';
import { effectiveConfiguration, type ConfigurationSet } from './configuration-set.js';

/**
 * Writes `configuration.activated` into the audit trail of each tenant whose configuration
 * changed, one tenant at a time and in activation order. It runs in the background, so a reload
 * does not wait for thousands of tenants. A failure for one tenant is logged, and the next
 * start-up records the activation again.
 */
export class ActivationRecorder {
  private readonly logger = new Logger(ActivationRecorder.name);
  private tail: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly store: ConfigVersionStore,
    private readonly registry: TenantRegistry,
    private readonly displayPath: (path: string) => string,
  ) {}

  /**
   * Brings every tenant's trail up to `set`, as at start-up.
   * NOTE: this reads every tenant's activation row, so in `database` tenancy it opens every
   * tenant file once per start, one at a time behind the open-file limit.
   */
  recordForAllTenants(set: ConfigurationSet): void {
    void this.enqueue(async () => {
      let written = 0;
      const tenants = await this.registry.list();
      for (const tenant of tenants) {
        if (this.stopped) return;
        if (await this.record(tenant.id, tenant.slug, set)) written += 1;
      }
      if (written > 0) {
        this.logger.log({ message: 'Recorded domain configuration activations', tenants: written });
      }
    });
  }

  /** Records the change for each tenant whose configuration differs between the two sets. */
  recordChanges(previous: ConfigurationSet, next: ConfigurationSet): void {
    void this.enqueue(async () => {
      for (const tenant of await this.registry.list()) {
        if (this.stopped) return;
        const before = effectiveConfiguration(previous, tenant.slug);
        const after = effectiveConfiguration(next, tenant.slug);
        const unchanged =
          before.configuration.version === after.configuration.version &&
          before.tenantScope === after.tenantScope;
        if (!unchanged) await this.record(tenant.id, tenant.slug, next);
      }
    });
  }

  recordForTenant(tenantId: string, slug: string, set: ConfigurationSet): Promise<void> {
    return this.enqueue(async () => {
      await this.record(tenantId, slug, set);
    });
  }

  /** Resolves when every job queued so far, and any job they queued, has finished. */
  async settled(): Promise<void> {
    let tail: Promise<void>;
    do {
      tail = this.tail;
      await tail;
    } while (tail !== this.tail);
  }

  /** Stops between tenants and waits for the tenant in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.settled();
  }

  private enqueue(job: () => Promise<void>): Promise<void> {
    const run = this.tail.then(async () => {
      if (this.stopped) return;
      try {
        await job();
      } catch (error) {
        this.logger.error({
          message: 'Recording configuration activations failed',
          error: String(error),
        });
      }
    });
    this.tail = run;
    return run;
  }

  private async record(tenantId: string, slug: string, set: ConfigurationSet): Promise<boolean> {
    const active = effectiveConfiguration(set, slug);
    const version = active.configuration.version;
    try {
      return await this.store.recordActivation(
        tenantId,
        active,
        this.displayPath(active.configuration.sourcePath),
      );
    } catch (error) {
      const message = 'Failed to record the configuration activation';
      this.logger.error({ message, tenantId, version, error: String(error) });
      return false;
    }
  }
}
