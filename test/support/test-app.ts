import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../../apps/api/src/app.factory.js';
import { CreateUserCommand, type MailPort } from '#identity';
import { loadSettings, RequestContext, SYSTEM_ACTOR, type MasalaSettings } from '#kernel';
import { CreateTenantCommand, type Tenant, type TenantStorage } from '#tenancy';

export const PROJECT_ROOT = new URL('../..', import.meta.url).pathname;
export const TEST_PASSWORD = 'correct-horse-battery-staple-42';

export interface TestApp {
  app: INestApplication;
  http: ReturnType<typeof request>;
  settings: MasalaSettings;
  dataDir: string;
  createTenant(slug: string, options?: { jurisdiction?: string; storage?: TenantStorage }): Promise<Tenant>;
  createUser(tenant: Tenant, email: string, roles: string[], password?: string): Promise<string>;
  login(tenantSlug: string, email: string, password?: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts the real application on a fresh data folder with SQLite (or the environment's
 * DATABASE_URL), with extra environment settings layered on the defaults. `options.mail` binds
 * a mail port, such as a capturing one that lets a test read invitation and reset tokens.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  options: { mail?: MailPort } = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'masala-test-'));
  const settings = loadSettings(
    {
      MASALA_DATA_DIR: dataDir,
      MASALA_CONFIG_PATH: PROJECT_ROOT,
      NODE_ENV: 'test',
      MASALA_SQLITE_SYNCHRONOUS: 'NORMAL',
      // Suites send far more requests per minute than the default rate limits allow; the rate
      // limit tests in test/security set their own limits.
      MASALA_RATE_LIMIT_PER_MINUTE: '1000000',
      MASALA_CLIENT_RATE_LIMIT_PER_MINUTE: '1000000',
      MASALA_LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
      ...env,
    },
    PROJECT_ROOT,
  );
  const app = await createApp(settings, { logger: false, mail: options.mail });
  await app.init();
  const http = request(app.getHttpServer());
  const commands = app.get(CommandBus);
  const asSystem = <T>(work: () => Promise<T>) =>
    RequestContext.run({ correlationId: `test-${crypto.randomUUID()}`, system: true }, work);

  return {
    app,
    http,
    settings,
    dataDir,
    createTenant: (slug, options = {}) =>
      asSystem(() =>
        commands.execute(new CreateTenantCommand({ slug, name: `Tenant ${slug}`, ...options }, SYSTEM_ACTOR)),
      ),
    createUser: async (tenant, email, roles, password = TEST_PASSWORD) => {
      const result = await asSystem(() =>
        RequestContext.withTenant(tenant.id, () =>
          commands.execute(new CreateUserCommand(tenant.id, SYSTEM_ACTOR, { email, roles, password })),
        ),
      );
      return result.user.id;
    },
    login: async (tenantSlug, email, password = TEST_PASSWORD) => {
      const response = await http
        .post('/api/v1/auth/login')
        .set('X-Tenant-ID', tenantSlug)
        .send({ email, password })
        .expect(200);
      return (response.body as { accessToken: string }).accessToken;
    },
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
