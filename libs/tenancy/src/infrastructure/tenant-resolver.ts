import { Inject, Injectable } from '@nestjs/common';
import { MASALA_SETTINGS, type MasalaSettings } from '#kernel';
import type { Tenant } from '../domain/tenant.entity.js';
import { TenancyException } from '../domain/tenancy.exception.js';
import { TenantRegistry } from './tenant-registry.js';

export interface TenantHints {
  host?: string;
  header?: string;
}

/**
 * Picks the tenant of a request, first match wins: the subdomain of MASALA_BASE_DOMAIN, then the
 * X-Tenant-ID header (a slug), then the single tenant of an isolated instance. Returns null when
 * the request names no tenant; throws for an unknown, foreign or suspended one.
 */
@Injectable()
export class TenantResolver {
  constructor(
    private readonly registry: TenantRegistry,
    @Inject(MASALA_SETTINGS) private readonly settings: MasalaSettings,
  ) {}

  async resolve(hints: TenantHints): Promise<Tenant | null> {
    const slug = this.slugFromHost(hints.host) ?? hints.header?.trim().toLowerCase() ?? this.settings.isolatedTenant;
    if (!slug) return null;
    if (this.settings.tenancy === 'isolated' && slug !== this.settings.isolatedTenant) {
      throw TenancyException.unknownTenant();
    }
    const tenant = await this.registry.findBySlug(slug);
    if (!tenant) throw TenancyException.unknownTenant();
    if (tenant.status === 'suspended') throw TenancyException.suspended();
    return tenant;
  }

  private slugFromHost(host: string | undefined): string | undefined {
    const base = this.settings.baseDomain;
    if (!base || !host) return undefined;
    const name = host.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
    if (!name.endsWith(`.${base}`)) return undefined;
    const sub = name.slice(0, -(base.length + 1));
    return sub.includes('.') || sub === '' ? undefined : sub;
  }
}
