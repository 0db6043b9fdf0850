import { DatabaseRouter } from '#kernel';
import { Tenant, TenantRegistry } from '#tenancy';
import type { TestApp } from '../support/test-app.js';

/** Merges `settings` into a tenant's settings, as an operator would, and drops the cached copy. */
export async function updateTenantSettings(
  t: TestApp,
  tenant: Tenant,
  settings: Record<string, unknown>,
): Promise<void> {
  const catalog = t.app.get(DatabaseRouter).catalog();
  await catalog.write('', async (manager) => {
    const stored = await manager.findOneOrFail(Tenant, { where: { id: tenant.id } });
    await manager.update(
      Tenant,
      { id: tenant.id },
      { settings: { ...stored.settings, ...settings } },
    );
  });
  t.app.get(TenantRegistry).forget(tenant);
}

/** Request helpers bound to one tenant and bearer token. */
export function as(t: TestApp, slug: string, token: string) {
  return {
    get: (path: string) =>
      t.http.get(path).set('X-Tenant-ID', slug).set('Authorization', `Bearer ${token}`),
    post: (path: string) =>
      t.http.post(path).set('X-Tenant-ID', slug).set('Authorization', `Bearer ${token}`),
  };
}
