import { DomainEvent, SYSTEM_ACTOR, type ChangeSet } from '#kernel';
import type { DomainConfiguration } from '../configuration/index.js';

/** The version a tenant used before, as recorded in its trail. */
export interface PreviousActivation {
  versionId: string;
  tenantScope: string | null;
}

/**
 * A domain configuration version became active for a tenant: at the tenant's creation, at
 * start-up with a changed file, or by a hot reload. `file` is relative to MASALA_CONFIG_PATH.
 */
export class ConfigurationActivatedEvent extends DomainEvent {
  readonly action = 'configuration.activated';

  constructor(
    tenantId: string,
    configuration: DomainConfiguration,
    tenantScope: string | null,
    file: string,
    previous: PreviousActivation | null,
  ) {
    const changes: ChangeSet = {
      new: {
        version: configuration.version,
        tenantScope,
        file,
        domains: [...configuration.domains.keys()],
      },
    };
    if (previous !== null) {
      changes.old = { version: previous.versionId, tenantScope: previous.tenantScope };
    }
    super(tenantId, SYSTEM_ACTOR, 'domain_configuration', configuration.version, changes, {
      configVersion: configuration.version,
    });
  }
}
