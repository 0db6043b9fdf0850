import type { EntityManager } from 'typeorm';
import { RequestContext, TenantDatabase } from '#kernel';
import type { TestApp } from '../../support/test-app.js';

export type ProblemBody = { type: string; status: number; detail: string; errors: Array<{ field: string; rule: string }> };

export interface AuditRow {
  action: string;
  actor: { type: string; id: string };
  entityType: string;
  entityId: string;
  oldValues: Record<string, unknown> | null;
  newValues: Record<string, unknown> | null;
}

/** Copies a response body without the per-request correlation id, for comparing two failures. */
export function withoutCorrelation(body: Record<string, unknown>): Record<string, unknown> {
  const { correlationId: _ignored, ...rest } = body;
  return rest;
}

/** Reads the tenant's audit trail over HTTP, oldest first. */
export async function auditEntries(
  t: TestApp,
  tenantSlug: string,
  adminToken: string,
  filters: Record<string, string> = {},
): Promise<AuditRow[]> {
  const query = new URLSearchParams({ order: 'asc', limit: '100', ...filters }).toString();
  const response = await t.http
    .get(`/api/v1/audit?${query}`)
    .set('X-Tenant-ID', tenantSlug)
    .set('Authorization', `Bearer ${adminToken}`);
  if (response.status !== 200) throw new Error(`GET /audit answered ${response.status}: ${response.text}`);
  return (response.body as { data: AuditRow[] }).data;
}

/** Runs `work` in a write transaction of the tenant, to set up states such as an expired token. */
export function writeAsTenant<T>(t: TestApp, tenantId: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  return RequestContext.run({ correlationId: `test-${crypto.randomUUID()}`, tenantId }, () =>
    t.app.get(TenantDatabase).write(tenantId, (unitOfWork) => work(unitOfWork.manager)),
  );
}

/** Runs `work` on the tenant's read connection. */
export function readAsTenant<T>(t: TestApp, tenantId: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  return RequestContext.run({ correlationId: `test-${crypto.randomUUID()}`, tenantId }, () =>
    t.app.get(TenantDatabase).read(tenantId, work),
  );
}

export const PAST = new Date('2000-01-01T00:00:00Z');
