import { Controller, Get, Param } from '@nestjs/common';
import { Authenticated, CurrentPrincipal, type Principal } from '#kernel';
import { describeDomain } from '../configuration/index.js';
import { DomainCatalog } from '../infrastructure/domain-catalog.js';

@Controller('domains')
export class DomainsController {
  constructor(private readonly catalog: DomainCatalog) {}

  @Get()
  @Authenticated()
  list(@CurrentPrincipal() principal: Principal) {
    const configuration = this.catalog.configurationFor(principal.tenantId);
    return {
      version: configuration.version,
      defaultDomain: configuration.global.defaultDomain,
      allowDomainSwitching: configuration.global.allowDomainSwitching,
      data: [...configuration.domains.values()].map(describeDomain),
    };
  }

  @Get(':domainId')
  @Authenticated()
  get(@CurrentPrincipal() principal: Principal, @Param('domainId') domainId: string) {
    return describeDomain(this.catalog.domain(principal.tenantId, domainId));
  }
}
