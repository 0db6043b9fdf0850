import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { BUILT_IN_ROLES, permissionsFor } from '#identity';
import { expressRoutes, nestRoutes, type RouteEntry } from './support/route-table.js';

/**
 * Express routes that no Nest controller declares, with the reason each is safe. Empty today:
 * every route goes through a controller and so through the access guard.
 */
const NON_NEST_ROUTES: Record<string, string> = {};

function concretePath(path: string): string {
  return path.replace(/:[A-Za-z]+/g, crypto.randomUUID());
}

function sendable(route: RouteEntry): 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head' | 'options' {
  return route.method.toLowerCase() as ReturnType<typeof sendable>;
}

describe('route access declarations', () => {
  let t: TestApp;
  let routes: RouteEntry[];
  const tokens = new Map<string, string>();

  const freshToken = async (role: string): Promise<string> => {
    const current = tokens.get(role);
    if (current) {
      const check = await t.http.get('/api/v1/me').set('X-Tenant-ID', 'acme').set('Authorization', `Bearer ${current}`);
      if (check.status === 200) return current;
    }
    const token = await t.login('acme', `${role.toLowerCase()}@acme.test`);
    tokens.set(role, token);
    return token;
  };

  beforeAll(async () => {
    t = await startTestApp({ MASALA_RATE_LIMIT_PER_MINUTE: '1000000' });
    const acme = await t.createTenant('acme');
    for (const role of BUILT_IN_ROLES) await t.createUser(acme, `${role.toLowerCase()}@acme.test`, [role]);
    routes = nestRoutes(t.app);
  });

  afterAll(async () => {
    await t.close();
  });

  it('finds the routes of every context', () => {
    const paths = new Set(routes.map((route) => `${route.method} ${route.path}`));
    for (const expected of [
      'POST /api/v1/auth/login',
      'GET /api/v1/me',
      'GET /api/v1/users',
      'POST /api/v1/api-keys',
      'GET /api/v1/tickets/:id',
      'GET /api/v1/audit',
    ]) {
      expect(paths).toContain(expected);
    }
  });

  it('declares access on every route', () => {
    const undeclared = routes.filter((route) => route.access === undefined).map((route) => `${route.method} ${route.path} (${route.controller}.${route.handler})`);
    expect(undeclared).toEqual([]);
  });

  it('declares only known permissions', () => {
    const known = new Set<string>(['public', 'authenticated', ...permissionsFor(BUILT_IN_ROLES), 'intake', 'compliance.read']);
    const unknown = routes.filter((route) => route.access !== undefined && !known.has(route.access));
    expect(unknown.map((route) => `${route.method} ${route.path}: ${route.access}`)).toEqual([]);
  });

  it('serves no route outside the controllers', () => {
    const declared = new Set(routes.map((route) => `${route.method} ${route.path}`));
    const stray = expressRoutes(t.app)
      .map((route) => `${route.method} ${route.path}`)
      .filter((route) => !declared.has(route) && !(route in NON_NEST_ROUTES));
    expect(stray).toEqual([]);
  });

  // One request per route and role, in sequence: minutes on a loaded machine, so a wide limit.
  it('grants each role exactly its permissions', async () => {
    const mismatches: string[] = [];
    for (const route of routes) {
      for (const role of BUILT_IN_ROLES) {
        const access = route.access!;
        const allowed = access === 'public' || access === 'authenticated' || permissionsFor([role]).has(access);
        const token = await freshToken(role);
        const request = t.http[sendable(route)](concretePath(route.path))
          .set('X-Tenant-ID', 'acme')
          .set('Authorization', `Bearer ${token}`);
        const response = ['POST', 'PUT', 'PATCH'].includes(route.method) ? await request.send({}) : await request;
        const denied = response.status === 403;
        if (denied === allowed) {
          mismatches.push(`${role} ${route.method} ${route.path} (needs ${access}): ${response.status}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  }, 180_000);

  it('denies a role-protected route without credentials', async () => {
    const protectedRoutes = routes.filter((route) => route.access !== 'public');
    const answered: string[] = [];
    for (const route of protectedRoutes) {
      const response = await t.http[sendable(route)](concretePath(route.path)).set('X-Tenant-ID', 'acme');
      if (response.status !== 401) answered.push(`${route.method} ${route.path}: ${response.status}`);
    }
    expect(answered).toEqual([]);
  });
});
