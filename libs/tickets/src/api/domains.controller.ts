import { Controller, Get, Param } from '@nestjs/common';
import { Authenticated, CurrentPrincipal, type Principal } from '#kernel';
import { describeDomain } from '../configuration/index.js';
import { TicketsException } from '../domain/tickets.exception.js';
import { DomainCatalog } from '../infrastructure/domain-catalog.js';

@Controller('domains')
export class DomainsController {
  constructor(private readonly catalog: DomainCatalog) {}

  @Get()
  @Authenticated()
  async list(@CurrentPrincipal() principal: Principal) {
    const configuration = await this.catalog.configurationForTenant(principal.tenantId);
    return {
      version: configuration.version,
      tenantOverride: this.catalog.hasTenantOverride(principal.tenantId),
      defaultDomain: configuration.global.defaultDomain,
      allowDomainSwitching: configuration.global.allowDomainSwitching,
      data: [...configuration.domains.values()].map(describeDomain),
    };
  }

  @Get(':domainId')
  @Authenticated()
  async get(@CurrentPrincipal() principal: Principal, @Param('domainId') domainId: string) {
    const configuration = await this.catalog.configurationForTenant(principal.tenantId);
    const domain = configuration.domains.get(domainId);
    if (domain === undefined) throw TicketsException.domainNotFound();
    return { ...(describeDomain(domain) as object), configVersion: configuration.version };
  }
}
