import { RequestContext } from '#kernel';

/** Tenant ids and slugs the catalog has seen. Slugs never change, so entries never go stale. */
export class TenantSlugs {
  private readonly slugsById = new Map<string, string>();
  private readonly knownSlugs = new Set<string>();

  remember(tenantId: string, slug: string): void {
    this.slugsById.set(tenantId, slug);
    this.knownSlugs.add(slug);
  }

  /** Returns the tenant's slug, learning it from the request context when that names the tenant. */
  slugOf(tenantId: string): string | undefined {
    const known = this.slugsById.get(tenantId);
    if (known !== undefined) {
      return known;
    }
    const context = RequestContext.find();
    if (context?.tenantId === tenantId && context.tenantSlug !== undefined) {
      this.remember(tenantId, context.tenantSlug);
      return context.tenantSlug;
    }
    return undefined;
  }

  /** Returns whether some known tenant has this slug. */
  hasSlug(slug: string): boolean {
    return this.knownSlugs.has(slug);
  }
}
