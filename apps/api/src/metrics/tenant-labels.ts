/** Label value for requests and events that belong to no tenant. */
export const NO_TENANT_LABEL = '_none';
/** Label value shared by every tenant beyond the bounded set. */
export const OTHER_TENANT_LABEL = '_other';

/**
 * Bounded set of tenant label values. The first `max` tenants seen since start keep their slug as
 * the label; every later tenant is counted under `_other`, so the number of series per metric
 * stays at most `max + 2` however many tenants an instance serves. The leading underscore keeps
 * both fixed values apart from real slugs, which contain only lowercase letters, digits and hyphens.
 */
export class TenantLabels {
  private readonly known = new Set<string>();

  constructor(private readonly max: number) {}

  labelFor(slug: string | undefined): string {
    if (!slug) return NO_TENANT_LABEL;
    if (this.known.has(slug)) return slug;
    if (this.known.size < this.max) {
      this.known.add(slug);
      return slug;
    }
    return OTHER_TENANT_LABEL;
  }
}
