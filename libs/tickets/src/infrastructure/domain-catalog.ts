import { Inject, Injectable, Logger } from '@nestjs/common';
import { join } from 'node:path';
import { MASALA_SETTINGS, type MasalaSettings } from '#kernel';
import {
  loadDomainConfigurationFile,
  type DomainConfiguration,
  type DomainDefinition,
} from '../configuration/index.js';
import { TicketsException } from '../domain/tickets.exception.js';

export const DOMAIN_FILE_NAME = 'masala_domains.yaml';

/**
 * Holds the active domain configuration, loaded from MASALA_CONFIG_PATH at start-up. A
 * configuration error stops the start with the parser's file, line and key messages.
 */
@Injectable()
export class DomainCatalog {
  private readonly logger = new Logger(DomainCatalog.name);
  private active: DomainConfiguration;

  constructor(@Inject(MASALA_SETTINGS) private readonly settings: MasalaSettings) {
    this.active = loadDomainConfigurationFile(join(settings.configPath, DOMAIN_FILE_NAME));
    this.logger.log({
      message: 'Loaded domain configuration',
      file: this.active.sourcePath,
      version: this.active.version,
      domains: [...this.active.domains.keys()],
    });
  }

  /** The configuration that applies to a tenant. */
  configurationFor(_tenantId: string): DomainConfiguration {
    return this.active;
  }

  domain(tenantId: string, domainId: string): DomainDefinition {
    const domain = this.configurationFor(tenantId).domains.get(domainId);
    if (!domain) throw TicketsException.domainNotFound();
    return domain;
  }
}
