import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DatabaseRouter } from '#kernel';
import { Tenant } from '../domain/tenant.entity.js';

const CACHE_TTL_MS = 5_000;

interface CacheEntry {
  tenant: Tenant | null;
  expiresAt: number;
}

/**
 * Reads the tenant registry in the catalog database, with a short cache because every request
 * resolves its tenant. Changes made here clear the cache at once; other instances see them
 * within the cache lifetime.
 */
@Injectable()
export class TenantRegistry implements OnModuleInit {
  private readonly bySlug = new Map<string, CacheEntry>();
  private readonly byId = new Map<string, CacheEntry>();

  constructor(private readonly router: DatabaseRouter) {}

  onModuleInit(): void {
    this.router.setPlacementResolver(async (tenantId) => {
      const tenant = await this.findById(tenantId);
      return { storage: tenant?.storage ?? 'shared', jurisdiction: tenant?.jurisdiction };
    });
  }

  async findBySlug(slug: string): Promise<Tenant | null> {
    return this.cached(this.bySlug, slug, () =>
      this.router.catalog().read('', (manager) => manager.findOne(Tenant, { where: { slug } })),
    );
  }

  async findById(id: string): Promise<Tenant | null> {
    return this.cached(this.byId, id, () =>
      this.router.catalog().read('', (manager) => manager.findOne(Tenant, { where: { id } })),
    );
  }

  async list(): Promise<Tenant[]> {
    return this.router.catalog().read('', (manager) => manager.find(Tenant, { order: { slug: 'ASC' } }));
  }

  forget(tenant: Pick<Tenant, 'id' | 'slug'>): void {
    this.bySlug.delete(tenant.slug);
    this.byId.delete(tenant.id);
  }

  private async cached(
    cache: Map<string, CacheEntry>,
    key: string,
    load: () => Promise<Tenant | null>,
  ): Promise<Tenant | null> {
    const hit = cache.get(key);
    if (hit && hit.expiresAt > Date.now()) return hit.tenant;
    const tenant = await load();
    if (cache.size > 10_000) cache.clear();
    cache.set(key, { tenant, expiresAt: Date.now() + CACHE_TTL_MS });
    return tenant;
  }
}
