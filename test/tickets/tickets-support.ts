import type { Test } from 'supertest';
import type { TestApp } from '../support/test-app.js';

export type Method = 'get' | 'post' | 'patch' | 'delete';

/** Sends requests as one signed-in user of one tenant. */
export function clientFor(t: TestApp, tenantSlug: string, token: string) {
  return (method: Method, path: string): Test =>
    t.http[method](path).set('X-Tenant-ID', tenantSlug).set('Authorization', `Bearer ${token}`);
}

export type Client = ReturnType<typeof clientFor>;

/** Audit entries of one entity, oldest first, read with an Admin token. */
export async function auditOf(admin: Client, entityId: string) {
  const response = await admin('get', `/api/v1/audit?entityId=${entityId}&order=asc&limit=100`).expect(200);
  return response.body.data as Array<{
    action: string;
    actorId: string;
    oldValues: Record<string, unknown> | null;
    newValues: Record<string, unknown> | null;
  }>;
}

/** A valid IT ticket body; `urgency` is the IT domain's required custom field. */
export const itTicket = (title: string, extra: Record<string, unknown> = {}) => ({
  title,
  description: `${title} description`,
  customFields: { urgency: 'Low' },
  ...extra,
});
