import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DataSource, Logger as TypeOrmLogger } from 'typeorm';
import { DatabaseRouter, SqliteTenantStore } from '#kernel';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Tables that are platform data, not tenant data, and so have no tenant column to lead an index. */
const PLATFORM_TABLES = ['tenants', 'domain_config_versions', 'migrations'];

interface CapturedQuery {
  sql: string;
  parameters: unknown[];
}

function captureQueries(dataSource: DataSource, sink: CapturedQuery[]): void {
  const logger: TypeOrmLogger = {
    logQuery: (sql, parameters) => {
      sink.push({ sql, parameters: (parameters ?? []) as unknown[] });
    },
    logQueryError: () => undefined,
    logQuerySlow: () => undefined,
    logSchemaBuild: () => undefined,
    logMigration: () => undefined,
    log: () => undefined,
  };
  dataSource.setOptions({ logging: ['query'], logger });
}

describe('tenant query plans', () => {
  let t: TestApp;
  const queries: CapturedQuery[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    const acme = await t.createTenant('acme');
    await t.createUser(acme, 'admin@acme.test', ['Admin']);
    const store = t.app.get(DatabaseRouter).catalog() as SqliteTenantStore;
    captureQueries(store.writer, queries);
    captureQueries(store.reader, queries);

    const token = await t.login('acme', 'admin@acme.test');
    const as = (request: ReturnType<typeof t.http.get>) =>
      request.set('X-Tenant-ID', 'acme').set('Authorization', `Bearer ${token}`);
    const created = await as(t.http.post('/api/v1/tickets'))
      .send({ title: 'Plan', description: 'x', customFields: { urgency: 'Low' } })
      .expect(201);
    await as(t.http.get(`/api/v1/tickets/${created.body.id}`)).expect(200);
    await as(t.http.post(`/api/v1/tickets/${created.body.id}/transitions`)).send({ to: 'IN_PROGRESS' }).expect(200);
    const page = await as(t.http.get('/api/v1/tickets?limit=1')).expect(200);
    await as(t.http.get(`/api/v1/tickets?limit=1&status=NEW&cursor=${page.body.nextCursor ?? ''}`));
    await as(t.http.get('/api/v1/audit?limit=5')).expect(200);
    await as(t.http.get(`/api/v1/audit?entityId=${created.body.id}`)).expect(200);
    await as(t.http.get('/api/v1/me')).expect(200);
  });

  afterAll(async () => {
    await t.close();
  });

  it('uses an index led by tenant_id', async () => {
    const writer = t.app.get(DatabaseRouter).catalog().writer;
    const tenantQueries = queries.filter(
      (query) => /^\s*SELECT/i.test(query.sql) && /tenant_id/.test(query.sql),
    );
    expect(tenantQueries.length).toBeGreaterThan(5);

    const problems: string[] = [];
    for (const query of tenantQueries) {
      const plan = (await writer.query(`EXPLAIN QUERY PLAN ${query.sql}`, query.parameters)) as Array<{
        detail: string;
      }>;
      for (const { detail } of plan) {
        const scanned = /^SCAN (\w+)/.exec(detail);
        if (scanned && !PLATFORM_TABLES.includes(scanned[1]!)) problems.push(`full scan: ${detail} in ${query.sql}`);
        const searched = /^SEARCH (\w+) USING (?:COVERING )?(?:INDEX \w+|PRIMARY KEY) \((\w+)/.exec(detail);
        if (searched && !PLATFORM_TABLES.includes(searched[1]!) && searched[2] !== 'tenant_id') {
          problems.push(`index not led by tenant_id: ${detail} in ${query.sql}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
