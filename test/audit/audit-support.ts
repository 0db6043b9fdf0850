import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { AuditEntryView } from '#audit';
import { DomainEvent, RequestContext, TenantDatabase, type Actor } from '#kernel';
import type { TestApp } from '../support/test-app.js';

/** A change of a made-up entity, for filling the audit trail without going through a context. */
export class SyntheticChangeEvent extends DomainEvent {
  readonly action: string;

  constructor(
    tenantId: string,
    actor: Actor,
    spec: {
      action: string;
      entityType?: string;
      entityId?: string;
      values?: Record<string, unknown>;
      occurredAt?: Date;
      subjectIds?: string[];
      personalFields?: string[];
    },
  ) {
    super(
      tenantId,
      actor,
      spec.entityType ?? 'widget',
      spec.entityId ?? 'widget-1',
      { new: spec.values },
      {
        subjectIds: spec.subjectIds,
        personalFields: spec.personalFields,
      },
    );
    this.action = spec.action;
    if (spec.occurredAt) Object.assign(this, { occurredAt: spec.occurredAt });
  }
}

export const userActor = (id: string): Actor => ({ type: 'user', id, roles: [] });

/** Runs `work` as operator code: a system context that may name any tenant. */
export function asSystem<T>(work: () => Promise<T>): Promise<T> {
  return RequestContext.run({ correlationId: `test-${crypto.randomUUID()}`, system: true }, work);
}

/** Records events through the audit recorder, `batchSize` per unit of work. */
export async function recordEvents(
  t: TestApp,
  tenantId: string,
  events: DomainEvent[],
  batchSize = 500,
): Promise<void> {
  const database = t.app.get(TenantDatabase);
  for (let start = 0; start < events.length; start += batchSize) {
    const batch = events.slice(start, start + batchSize);
    await asSystem(() =>
      database.write(tenantId, async (unitOfWork) => {
        for (const event of batch) await unitOfWork.emit(event);
      }),
    );
  }
}

/** Reads every audit entry of the token's tenant that matches `query`, oldest first, page by page. */
export async function allEntries(
  t: TestApp,
  tenantSlug: string,
  token: string,
  query: Record<string, string> = {},
): Promise<AuditEntryView[]> {
  const entries: AuditEntryView[] = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({
      order: 'asc',
      limit: '100',
      ...query,
      ...(cursor ? { cursor } : {}),
    });
    const response = await t.http
      .get(`/api/v1/audit?${params.toString()}`)
      .set('X-Tenant-ID', tenantSlug)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    entries.push(...(response.body.data as AuditEntryView[]));
    cursor = response.body.nextCursor as string | null;
  } while (cursor);
  return entries;
}

/** Opens a second, raw connection to the shared SQLite database, as an attacker with file access could. */
export function openRawDatabase(t: TestApp): Database.Database {
  return new Database(join(t.dataDir, 'masala.sqlite'));
}
