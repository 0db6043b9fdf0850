import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { Tenant, TenantStorage } from '#tenancy';
import { ensureBuilt, runCli, startBuiltServer, type RunningServer } from '../../support/built-server.js';
import { PROJECT_ROOT, startTestApp, TEST_PASSWORD, type TestApp } from '../../support/test-app.js';
import { createTestDatabase, ensurePostgres, logSkip, type TestDatabase } from '../../postgres/support/postgres.js';

/** Ways to deploy the platform that the same suites run against. */
export type DeploymentName = 'shared' | 'isolated' | 'database' | 'postgres';

export interface Deployment {
  name: DeploymentName;
  label: string;
}

export const SQLITE_DEPLOYMENTS: readonly Deployment[] = [
  { name: 'shared', label: 'shared tenancy on one SQLite database' },
  { name: 'isolated', label: 'isolated tenancy, one instance per tenant' },
  { name: 'database', label: 'database tenancy, one SQLite file per tenant' },
];

export const POSTGRES_DEPLOYMENT: Deployment = {
  name: 'postgres',
  label: 'shared tenancy on PostgreSQL with row-level security',
};

/**
 * Every deployment the machine can run: the SQLite ones always, PostgreSQL unless its binaries
 * are missing, in which case the skip and its reason are logged.
 */
export async function availableDeployments(suite: string, names?: readonly DeploymentName[]): Promise<Deployment[]> {
  const wanted = (deployment: Deployment) => !names || names.includes(deployment.name);
  const deployments = SQLITE_DEPLOYMENTS.filter(wanted);
  if (!wanted(POSTGRES_DEPLOYMENT)) return deployments;
  const postgres = await ensurePostgres();
  if (postgres.available) return [...deployments, POSTGRES_DEPLOYMENT];
  logSkip(`${suite} on PostgreSQL`, postgres.reason);
  return deployments;
}

/**
 * A running deployment serving a set of tenants. In `isolated` mode every tenant gets its own
 * server process with its own data folder, as in production, so `http(slug)` names the instance
 * that serves the tenant. In the other modes every slug maps to one in-process application.
 */
export interface RunningDeployment {
  deployment: Deployment;
  tenants: Map<string, Pick<Tenant, 'id' | 'slug'>>;
  /** The in-process application; not available in `isolated` mode, whose instances are processes. */
  app(slug: string): TestApp;
  http(slug: string): ReturnType<typeof request>;
  tenant(slug: string): Pick<Tenant, 'id' | 'slug'>;
  createUser(slug: string, email: string, roles: string[]): Promise<string>;
  login(slug: string, email: string): Promise<string>;
  /** The PostgreSQL database of a `postgres` deployment. */
  database?: TestDatabase;
  close(): Promise<void>;
}

function environmentFor(deployment: DeploymentName, slug: string | undefined): Record<string, string> {
  switch (deployment) {
    case 'shared':
    case 'postgres':
      return { MASALA_TENANCY: 'shared' };
    case 'isolated':
      return { MASALA_TENANCY: 'isolated', MASALA_TENANT: slug ?? '' };
    case 'database':
      return { MASALA_TENANCY: 'database' };
  }
}

export interface TenantSpec {
  slug: string;
  jurisdiction?: string;
  storage?: TenantStorage;
}

/** Starts the deployment and creates the tenants, each through the instance that serves it. */
export async function startDeployment(
  deployment: Deployment,
  specs: readonly (string | TenantSpec)[],
  env: Record<string, string> = {},
): Promise<RunningDeployment> {
  const tenantSpecs = specs.map((spec) => (typeof spec === 'string' ? { slug: spec } : spec));
  if (deployment.name === 'isolated') return startIsolated(deployment, tenantSpecs, env);

  const database = deployment.name === 'postgres' ? await createTestDatabase() : undefined;
  let app: TestApp | undefined;
  const tenants = new Map<string, Tenant>();
  const close = async () => {
    await app?.close();
    await database?.drop();
  };
  try {
    app = await startTestApp({ ...environmentFor(deployment.name, undefined), ...(database?.env ?? {}), ...env });
    for (const { slug, ...options } of tenantSpecs) tenants.set(slug, await app.createTenant(slug, options));
  } catch (error) {
    await close();
    throw error;
  }

  const running = app;
  const tenant = (slug: string): Tenant => {
    const found = tenants.get(slug);
    if (!found) throw new Error(`Tenant "${slug}" was not created in this deployment`);
    return found;
  };
  return {
    deployment,
    tenants,
    database,
    app: () => running,
    tenant,
    http: () => running.http,
    createUser: (slug, email, roles) => running.createUser(tenant(slug), email, roles),
    login: (slug, email) => running.login(slug, email),
    close,
  };
}

interface IsolatedInstance {
  env: Record<string, string>;
  dataDir: string;
  server?: RunningServer;
  tenant?: Pick<Tenant, 'id' | 'slug'>;
}

function cliOrFail(args: string[], env: Record<string, string>, input?: string): string {
  const result = runCli(args, env, input);
  if (result.code !== 0) throw new Error(`masala ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  return result.stdout;
}

/**
 * Starts one built server process per tenant, each with MASALA_TENANCY=isolated, its own data
 * folder and MASALA_TENANT, and creates tenants and users through the CLI of that instance.
 * Separate processes also keep each instance's authentication strategies apart.
 */
async function startIsolated(
  deployment: Deployment,
  specs: readonly TenantSpec[],
  env: Record<string, string>,
): Promise<RunningDeployment> {
  ensureBuilt();
  const instances = new Map<string, IsolatedInstance>();
  const close = async () => {
    for (const instance of instances.values()) {
      if (instance.server && instance.server.process.exitCode === null) {
        instance.server.process.kill('SIGTERM');
        await instance.server.exited;
      }
      rmSync(instance.dataDir, { recursive: true, force: true });
    }
  };

  try {
    for (const spec of specs) {
      const dataDir = mkdtempSync(join(tmpdir(), `masala-isolated-${spec.slug}-`));
      const instanceEnv = {
        ...environmentFor('isolated', spec.slug),
        MASALA_DATA_DIR: dataDir,
        MASALA_CONFIG_PATH: PROJECT_ROOT,
        MASALA_SQLITE_SYNCHRONOUS: 'NORMAL',
        ...env,
      };
      const instance: IsolatedInstance = { env: instanceEnv, dataDir };
      instances.set(spec.slug, instance);
      const args = ['tenant', 'create', spec.slug, '--name', `Tenant ${spec.slug}`, '--json'];
      if (spec.jurisdiction) args.push('--jurisdiction', spec.jurisdiction);
      if (spec.storage) args.push('--storage', spec.storage);
      instance.tenant = JSON.parse(cliOrFail(args, instanceEnv)) as Tenant;
      instance.server = await startBuiltServer(instanceEnv);
    }
  } catch (error) {
    await close();
    throw error;
  }

  const instance = (slug: string): IsolatedInstance => {
    const found = instances.get(slug);
    if (!found) throw new Error(`No instance serves tenant "${slug}" in this deployment`);
    return found;
  };
  const http = (slug: string) => request(instance(slug).server!.baseUrl);
  return {
    deployment,
    tenants: new Map([...instances].map(([slug, item]) => [slug, item.tenant!])),
    app: () => {
      throw new Error('An isolated deployment runs each instance as a separate process');
    },
    tenant: (slug) => instance(slug).tenant!,
    http,
    createUser: async (slug, email, roles) => {
      const args = ['user', 'create', email, '--tenant', slug, '--role', ...roles, '--password-stdin', '--json'];
      const created = JSON.parse(cliOrFail(args, instance(slug).env, TEST_PASSWORD)) as { id: string };
      return created.id;
    },
    login: async (slug, email) => {
      const response = await http(slug)
        .post('/api/v1/auth/login')
        .set('X-Tenant-ID', slug)
        .send({ email, password: TEST_PASSWORD })
        .expect(200);
      return (response.body as { accessToken: string }).accessToken;
    },
    close,
  };
}
