import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { DatabaseRouter } from '#kernel';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { checkSqliteSchema, PLATFORM_TABLES, sqliteTenantTables } from './support/schema-checks.js';

function openReadOnly(file: string): Database.Database {
  return new Database(file, { readonly: true, fileMustExist: true });
}

describe('SQLite schema tenant rules', () => {
  let t: TestApp;
  let catalogFile: string;
  let tenantFile: string;

  beforeAll(async () => {
    t = await startTestApp({ MASALA_TENANCY: 'shared' });
    const router = t.app.get(DatabaseRouter);
    const dedicated = await t.createTenant('own-file', { storage: 'dedicated' });
    catalogFile = router.catalog().location;
    tenantFile = await router.withTenantStore(dedicated.id, async (store) => store.location);
  });

  afterAll(async () => {
    await t.close();
  });

  it('finds no violation in the catalog', () => {
    const database = openReadOnly(catalogFile);
    try {
      expect(checkSqliteSchema(database)).toEqual([]);
      expect(sqliteTenantTables(database).length).toBeGreaterThan(5);
    } finally {
      database.close();
    }
  });

  it('finds no violation in a tenant file', () => {
    expect(tenantFile).not.toBe(catalogFile);
    const database = openReadOnly(tenantFile);
    try {
      expect(checkSqliteSchema(database)).toEqual([]);
    } finally {
      database.close();
    }
  });

  it('exempts only the listed platform tables', () => {
    const database = openReadOnly(catalogFile);
    try {
      const withoutTenant = (
        database.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`).all() as Array<{
          name: string;
        }>
      )
        .map((row) => row.name)
        .filter((name) => {
          const columns = database.prepare('SELECT name FROM pragma_table_info(?)').all(name) as Array<{ name: string }>;
          return !columns.some((column) => column.name === 'tenant_id');
        })
        .filter((name) => !/^ticket_search_/.test(name))
        .sort();
      expect(withoutTenant).toEqual(Object.keys(PLATFORM_TABLES).sort());
    } finally {
      database.close();
    }
  });

  it('reports each broken rule', () => {
    const database = new Database(':memory:');
    try {
      database.exec(`
        CREATE TABLE no_tenant (id TEXT PRIMARY KEY);
        CREATE TABLE nullable_tenant (tenant_id TEXT, id TEXT NOT NULL, PRIMARY KEY (tenant_id, id));
        CREATE TABLE id_first (tenant_id TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (id, tenant_id));
        CREATE TABLE no_key (tenant_id TEXT NOT NULL, id TEXT NOT NULL);
        CREATE TABLE loose_index (tenant_id TEXT NOT NULL, id TEXT NOT NULL, email TEXT, PRIMARY KEY (tenant_id, id));
        CREATE INDEX loose_index_email ON loose_index (email);
        CREATE TABLE loose_unique (tenant_id TEXT NOT NULL, id TEXT NOT NULL, code TEXT UNIQUE, PRIMARY KEY (tenant_id, id));
      `);
      const problems = checkSqliteSchema(database);
      expect(problems).toContain('no_tenant: no tenant_id column');
      expect(problems).toContain('nullable_tenant: tenant_id is nullable');
      expect(problems).toContain('id_first: primary key (id, tenant_id) not led by tenant_id');
      expect(problems).toContain('no_key: no primary key');
      expect(problems).toContain('loose_index: index loose_index_email led by email, not tenant_id');
      expect(problems.some((problem) => problem.startsWith('loose_unique: unique index'))).toBe(true);
      expect(problems.some((problem) => problem.startsWith('id_first: primary key index'))).toBe(true);
    } finally {
      database.close();
    }
  });
});
