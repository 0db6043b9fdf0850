import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { MASALA_SETTINGS, type MasalaSettings } from '#kernel';
import { TenantRegistry } from '#tenancy';
import type { DomainConfiguration, DomainDefinition } from '../configuration/index.js';
import { TicketsException } from '../domain/tickets.exception.js';
import { ActivationRecorder } from './configuration/activation-recorder.js';
import { displayPath } from './configuration/config-files.js';
import { ConfigVersionStore } from './configuration/config-version-store.js';
import { ConfigWatcher } from './configuration/config-watcher.js';
import { TenantSlugs } from './configuration/tenant-slugs.js';
import {
  effectiveConfiguration,
  loadConfigurationSet,
  reloadConfigurationSet,
  scopedConfigurations,
  type ConfigurationSet,
  type RejectedFile,
} from './configuration/configuration-set.js';

export { DOMAIN_FILE_NAME } from './configuration/config-files.js';

/**
 * Loads every domain configuration file once and throws DomainConfigurationError when one is
 * invalid. Start-up calls it before Nest builds the application, because Nest would log the
 * same error with a stack trace.
 */
export function validateDomainConfiguration(configPath: string): void {
  loadConfigurationSet(configPath);
}

/** Delay after the last file event before a reload, in milliseconds. */
const RELOAD_DEBOUNCE_MS = 200;
/** Interval of the stat check behind fs.watch, in milliseconds. */
const RELOAD_POLL_INTERVAL_MS = 2_000;

export interface ActivatedFile {
  /** Tenant slug of the file's folder, or null for the instance-wide file. */
  tenantScope: string | null;
  /** Path relative to MASALA_CONFIG_PATH, as in the audit entry. */
  file: string;
  version: string;
}

export interface ReloadResult {
  /** False when the active root file sets config_reload_enabled off, so nothing was read. */
  enabled: boolean;
  /** Files whose new version is now active. */
  activated: ActivatedFile[];
  /** Tenant slugs whose file was removed; those tenants use the root file again. */
  removed: string[];
  /** Files whose content is invalid; the version active before stays active for their scope. */
  rejected: RejectedFile[];
}

/**
 * Holds the active domain configurations: `<MASALA_CONFIG_PATH>/masala_domains.yaml`, and
 * `config/<tenant-slug>/masala_domains.yaml`, which replaces it for that tenant. An invalid file
 * stops the start with the parser's file, line and key messages. With config_reload_enabled in
 * the root file, saved edits are applied without a restart. Each configuration is an immutable
 * snapshot, so a handler that reads it once keeps one version for its whole request.
 */
@Injectable()
export class DomainCatalog
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger(DomainCatalog.name);
  private readonly configPath: string;
  private active: ConfigurationSet;
  private readonly slugs = new TenantSlugs();
  private readonly recorder: ActivationRecorder;
  private watcher?: ConfigWatcher;
  private reloading: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(MASALA_SETTINGS) settings: MasalaSettings,
    private readonly versions: ConfigVersionStore,
    private readonly registry: TenantRegistry,
  ) {
    this.configPath = settings.configPath;
    this.active = loadConfigurationSet(this.configPath);
    this.recorder = new ActivationRecorder(versions, registry, (path) => this.displayPath(path));
    for (const { tenantScope, configuration } of scopedConfigurations(this.active)) {
      this.logger.log({
        message: 'Loaded domain configuration',
        file: configuration.sourcePath,
        tenantScope,
        version: configuration.version,
        domains: [...configuration.domains.keys()],
      });
    }
  }

  async onModuleInit(): Promise<void> {
    await this.versions.storeVersions(scopedConfigurations(this.active));
    for (const tenant of await this.registry.list()) {
      this.slugs.remember(tenant.id, tenant.slug);
    }
  }

  onApplicationBootstrap(): void {
    this.recorder.recordForAllTenants(this.active);
    if (this.active.root.global.configReloadEnabled) {
      this.watcher = new ConfigWatcher(this.configPath, () => this.reloadFromWatcher(), {
        debounceMs: RELOAD_DEBOUNCE_MS,
        pollIntervalMs: RELOAD_POLL_INTERVAL_MS,
      });
      this.watcher.start();
      this.logger.log({
        message: 'Watching the domain configuration for changes',
        path: this.configPath,
      });
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.watcher?.stop();
    await this.reloading;
    await this.recorder.stop();
  }

  /**
   * Returns the configuration that applies to a tenant; `''` names the instance-wide file.
   * Inside a request the tenant's slug comes from the request context. Outside one, this
   * throws for a tenant created by another process since this one started, while some tenant
   * folder names no known tenant, because that tenant could be the folder's. Use
   * configurationForTenant() there, which looks the tenant up.
   */
  configurationFor(tenantId: string): DomainConfiguration {
    const active = this.active;
    if (tenantId === '' || active.tenants.size === 0) {
      return active.root;
    }
    const slug = this.slugs.slugOf(tenantId);
    if (slug !== undefined) {
      return effectiveConfiguration(active, slug).configuration;
    }
    const unresolved = [...active.tenants.keys()].filter((folder) => !this.slugs.hasSlug(folder));
    if (unresolved.length === 0) {
      // Every tenant folder belongs to a known tenant and slugs are unique, so this tenant has none.
      return active.root;
    }
    void this.resolveSlugs(unresolved);
    throw new Error(
      `Tenant ${tenantId} is not known to the domain catalog, and the tenant folders ` +
        `${unresolved.join(', ')} name no known tenant; use configurationForTenant()`,
    );
  }

  /** Like configurationFor(), but looks the tenant's slug up in the registry when needed. */
  async configurationForTenant(tenantId: string): Promise<DomainConfiguration> {
    const unknown = tenantId !== '' && this.slugs.slugOf(tenantId) === undefined;
    if (unknown && this.active.tenants.size > 0) {
      const tenant = await this.registry.findById(tenantId);
      if (tenant !== null) this.slugs.remember(tenant.id, tenant.slug);
    }
    return this.configurationFor(tenantId);
  }

  /** Returns whether the tenant's configuration comes from its own folder, not the root file. */
  hasTenantOverride(tenantId: string): boolean {
    const slug = this.slugs.slugOf(tenantId);
    return slug !== undefined && this.active.tenants.has(slug);
  }

  domain(tenantId: string, domainId: string): DomainDefinition {
    const domain = this.configurationFor(tenantId).domains.get(domainId);
    if (!domain) throw TicketsException.domainNotFound();
    return domain;
  }

  /**
   * Reads every configuration file now and activates the valid changes, as the watcher does.
   * Resolves once the files as they were at the call are applied and the new versions stored.
   * A watcher reload queued just before may have applied them already, and then `activated`
   * is empty. The audit entries are written afterwards, see settled().
   */
  reloadNow(): Promise<ReloadResult> {
    const run = this.reloading.then(() => this.reload());
    this.reloading = run.catch(() => undefined);
    return run;
  }

  /** Resolves when every activation queued so far is recorded in the tenants' audit trails. */
  settled(): Promise<void> {
    return this.recorder.settled();
  }

  /** Remembers a new tenant's slug and records the configuration it starts with. */
  tenantCreated(tenantId: string, slug: string): Promise<void> {
    this.slugs.remember(tenantId, slug);
    return this.recorder.recordForTenant(tenantId, slug, this.active);
  }

  private async reloadFromWatcher(): Promise<void> {
    await this.reloadNow();
  }

  private async reload(): Promise<ReloadResult> {
    const previous = this.active;
    if (!previous.root.global.configReloadEnabled) {
      return { enabled: false, activated: [], removed: [], rejected: [] };
    }
    const change = reloadConfigurationSet(this.configPath, previous);
    for (const rejected of change.rejected) {
      this.logger.error({
        message: 'Rejected the domain configuration file; the previous version stays active',
        file: rejected.file,
        tenantScope: rejected.tenantScope,
        problems: rejected.problems,
      });
    }
    const result: ReloadResult = {
      enabled: true,
      activated: change.activated.map(({ tenantScope, configuration }) => ({
        tenantScope,
        file: this.displayPath(configuration.sourcePath),
        version: configuration.version,
      })),
      removed: change.removed,
      rejected: change.rejected,
    };
    if (change.activated.length === 0 && change.removed.length === 0) {
      return result;
    }

    await this.versions.storeVersions(change.activated);
    this.active = change.next;
    for (const activated of result.activated) {
      this.logger.log({ message: 'Activated domain configuration', ...activated });
    }
    for (const slug of change.removed) {
      this.logger.log({
        message: 'Tenant configuration file removed; using the root file',
        tenantScope: slug,
      });
    }
    this.recorder.recordChanges(previous, change.next);

    if (!change.next.root.global.configReloadEnabled && this.watcher !== undefined) {
      this.logger.log({
        message: 'config_reload_enabled is off; stopped watching the domain configuration',
      });
      const watcher = this.watcher;
      this.watcher = undefined;
      // Not awaited: the watcher's stop waits for this very reload to finish.
      void watcher.stop();
    }
    return result;
  }

  /** Looks up the tenants of folders that named no known tenant, so later calls can decide. */
  private async resolveSlugs(slugs: readonly string[]): Promise<void> {
    for (const slug of slugs) {
      try {
        const tenant = await this.registry.findBySlug(slug);
        if (tenant !== null) this.slugs.remember(tenant.id, tenant.slug);
      } catch (error) {
        this.logger.error({
          message: 'Failed to look up a tenant slug',
          slug,
          error: String(error),
        });
      }
    }
  }

  private displayPath(path: string): string {
    return displayPath(this.configPath, path);
  }
}
