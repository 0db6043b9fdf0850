import { CommandBus } from '@nestjs/cqrs';
import type { QueryDeepPartialEntity } from 'typeorm';
import { CreateUserCommand } from '#identity';
import { DatabaseRouter, RequestContext, SYSTEM_ACTOR, TenantDatabase } from '#kernel';
import { Tenant, TenantRegistry } from '#tenancy';
import { CreateTicketCommand, Ticket } from '#tickets';
import { TEST_PASSWORD, type TestApp } from '../support/test-app.js';

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
    patch: (path: string) =>
      t.http.patch(path).set('X-Tenant-ID', slug).set('Authorization', `Bearer ${token}`),
    post: (path: string) =>
      t.http.post(path).set('X-Tenant-ID', slug).set('Authorization', `Bearer ${token}`),
  };
}

/** Creates a user with a display name, which the test app's createUser does not set. */
export async function createPerson(
  t: TestApp,
  tenant: Tenant,
  email: string,
  displayName: string,
  roles: string[],
): Promise<string> {
  const commands = t.app.get(CommandBus);
  const result = await RequestContext.run(
    { correlationId: `test-${crypto.randomUUID()}`, system: true },
    () =>
      RequestContext.withTenant(tenant.id, () =>
        commands.execute(
          new CreateUserCommand(tenant.id, SYSTEM_ACTOR, {
            email,
            displayName,
            roles,
            password: TEST_PASSWORD,
          }),
        ),
      ),
  );
  return result.user.id;
}

/** Returns every value of an "id" member in a JSON document, to check what an export contains. */
export function idsIn(document: unknown): string[] {
  return [...JSON.stringify(document).matchAll(/"id":"([0-9a-f-]{36})"/g)].map(
    (match) => match[1]!,
  );
}

/**
 * Creates `count` tickets requested by `requesterId` through the command bus, many at a time,
 * so the write queue groups them into few commits.
 */
export async function createTickets(
  t: TestApp,
  tenant: Tenant,
  requesterId: string,
  count: number,
  input: (index: number) => {
    title: string;
    description: string;
    customFields?: Record<string, unknown>;
  },
): Promise<string[]> {
  const commands = t.app.get(CommandBus);
  const actor = { type: 'user' as const, id: requesterId, roles: ['Customer'] };
  const ids: string[] = [];
  for (let start = 0; start < count; start += 200) {
    const chunk = Array.from({ length: Math.min(200, count - start) }, (_, offset) =>
      RequestContext.run({ correlationId: `test-${crypto.randomUUID()}` }, () =>
        commands.execute(new CreateTicketCommand(tenant.id, actor, input(start + offset))),
      ),
    );
    for (const ticket of await Promise.all(chunk)) ids.push(ticket.id);
  }
  return ids;
}

/**
 * Inserts `count` tickets requested by `requesterId` straight into the database, without audit
 * entries or search terms, for tests that need many rows quickly.
 */
export async function seedTickets(
  t: TestApp,
  tenant: Tenant,
  requesterId: string,
  count: number,
  fields: (index: number) => Partial<Ticket>,
): Promise<void> {
  const database = t.app.get(TenantDatabase);
  for (let start = 0; start < count; start += 500) {
    const rows = Array.from({ length: Math.min(500, count - start) }, (_, offset) => {
      const now = new Date(Date.UTC(2026, 0, 1) + (start + offset) * 1000);
      return Object.assign(new Ticket(), {
        tenantId: tenant.id,
        id: crypto.randomUUID(),
        domainId: 'IT',
        typeCode: 'INCIDENT',
        status: 'NEW',
        title: `Seeded ${start + offset}`,
        description: '',
        priority: 'normal',
        priorityRank: 2,
        customFields: {},
        requesterId,
        assigneeId: null,
        projectId: null,
        tags: [],
        watcherIds: [],
        commentCount: 0,
        publicCommentCount: 0,
        externalRef: null,
        configVersion: 'seed',
        version: 1,
        dueAt: null,
        resolvedAt: null,
        createdAt: now,
        updatedAt: now,
        deletedAt: null,
        ...fields(start + offset),
      });
    });
    await database.write(tenant.id, (unitOfWork) =>
      unitOfWork.manager
        .insert(Ticket, rows as QueryDeepPartialEntity<Ticket>[])
        .then(() => undefined),
    );
  }
}
