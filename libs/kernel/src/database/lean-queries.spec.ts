import 'reflect-metadata';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AfterLoad, Column, Entity, PrimaryColumn, type DataSource, type EntityManager } from 'typeorm';
import { RequestContext } from '../context/request-context.js';
import { findFlat, findFlatLast, findFlatOne, insertRows, selectFlat, selectFlatOne } from './lean-queries.js';
import { createSqliteDataSource } from './sqlite-data-source.js';
import { CrossTenantAccessError, TenantSubscriber } from './tenant-subscriber.js';
import { CreatedAtColumn, TimestampColumn, UpdatedAtColumn } from './timestamp-column.js';
import { TimestampSubscriber } from './timestamp-subscriber.js';

/** Transformer that stores text reversed, so a test can tell how often it ran. */
const reversed = {
  to: (value: unknown) => (typeof value === 'string' ? [...value].reverse().join('') : value),
  from: (value: unknown) => (typeof value === 'string' ? [...value].reverse().join('') : value),
};

@Entity({ name: 'notes' })
class Note {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  tenantId: string;

  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'text', transformer: reversed })
  body: string;

  @Column({ type: 'simple-json' })
  tags: string[];

  @Column({ type: 'boolean' })
  pinned: boolean;

  @Column({ type: 'integer', nullable: true })
  rank: number | null;

  @TimestampColumn({ nullable: true })
  dueAt: Date | null;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}

/** Entity with an `@AfterLoad` listener, which `selectFlat` must call as `getMany` does. */
@Entity({ name: 'labels' })
class Label {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  tenantId: string;

  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'text' })
  name: string;

  loaded = false;

  @AfterLoad()
  markLoaded(): void {
    this.loaded = true;
  }
}

const TENANT = 'tenant-a';
const OTHER = 'tenant-b';

const inTenant = <T>(tenantId: string, work: () => Promise<T>): Promise<T> =>
  RequestContext.run({ correlationId: 'lean-queries-spec', tenantId }, work);

const note = (id: string, overrides: Partial<Note> = {}): Partial<Note> => ({
  id,
  body: `body of ${id}`,
  tags: ['a', 'b'],
  pinned: true,
  rank: 3,
  dueAt: new Date('2026-12-31T23:59:58.123Z'),
  ...overrides,
});

describe('lean queries on SQLite', () => {
  let folder: string;
  let dataSource: DataSource;
  let manager: EntityManager;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'masala-lean-'));
    dataSource = createSqliteDataSource(
      { file: join(folder, 'lean.sqlite'), synchronous: 'NORMAL', busyTimeoutMs: 5000 },
      { entities: [Note, Label], migrations: [], subscribers: [TenantSubscriber, TimestampSubscriber] },
    );
    await dataSource.initialize();
    await dataSource.synchronize();
    manager = dataSource.manager;
  });

  afterAll(async () => {
    await dataSource.destroy();
    rmSync(folder, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await dataSource.query('DELETE FROM notes');
    await dataSource.query('DELETE FROM labels');
  });

  const rawRow = async (id: string) =>
    ((await dataSource.query('SELECT * FROM notes WHERE id = ?', [id])) as Record<string, unknown>[])[0];

  const pageQuery = () =>
    manager
      .getRepository(Note)
      .createQueryBuilder('note')
      .where('note.tenantId = :tenantId', { tenantId: TENANT })
      .orderBy('note.id', 'ASC');

  it('stores the same row as manager.insert', async () => {
    await inTenant(TENANT, async () => {
      const at = new Date('2026-12-04T10:11:12.345Z');
      await manager.insert(Note, { ...note('by-builder'), createdAt: at, updatedAt: at });
      await insertRows(manager, Note, { ...note('by-lean'), createdAt: at, updatedAt: at });
    });
    const { id: _builderId, ...byBuilder } = (await rawRow('by-builder'))!;
    const { id: _leanId, ...byLean } = (await rawRow('by-lean'))!;
    expect(byLean).toEqual({ ...byBuilder, body: [...'body of by-lean'].reverse().join('') });
  });

  it('loads the same entities as getMany', async () => {
    await inTenant(TENANT, async () => {
      await insertRows(manager, Note, [note('n1'), note('n2', { rank: null, dueAt: null, pinned: false, tags: [] })]);
      const expected = await pageQuery().getMany();
      const loaded = await selectFlat(pageQuery());
      expect(loaded).toEqual(expected);
      expect(loaded[0]).toBeInstanceOf(Note);
      expect(loaded[0]!.body).toBe('body of n1');
      expect(loaded[0]!.dueAt).toEqual(new Date('2026-12-31T23:59:58.123Z'));
      expect(loaded[1]).toMatchObject({ rank: null, dueAt: null, pinned: false, tags: [] });
    });
  });

  it('loads only the selected columns', async () => {
    await inTenant(TENANT, async () => {
      await insertRows(manager, Note, note('n1'));
      const partial = await selectFlatOne(pageQuery().select(['note.tenantId', 'note.id', 'note.rank']));
      expect(partial).toEqual(Object.assign(new Note(), { tenantId: TENANT, id: 'n1', rank: 3 }));
    });
  });

  it('returns null without a match', async () => {
    const none = await inTenant(TENANT, () => selectFlatOne(pageQuery().andWhere('note.id = :id', { id: 'none' })));
    expect(none).toBeNull();
  });

  it('finds one entity as findOne does', async () => {
    await inTenant(TENANT, async () => {
      await insertRows(manager, Note, [note('n1'), note('n2')]);
      const expected = await manager.findOne(Note, { where: { tenantId: TENANT, id: 'n2' } });
      expect(await findFlatOne(manager, Note, { tenantId: TENANT, id: 'n2' })).toEqual(expected);
    });
  });

  it('finds only the listed columns', async () => {
    await inTenant(TENANT, async () => {
      await insertRows(manager, Note, note('n1'));
      const found = await findFlatOne(manager, Note, { tenantId: TENANT, id: 'n1' }, ['id', 'body']);
      expect(found).toEqual(Object.assign(new Note(), { id: 'n1', body: 'body of n1' }));
    });
  });

  it('finds null without a match', async () => {
    const none = await inTenant(TENANT, () => findFlatOne(manager, Note, { tenantId: TENANT, id: 'none' }));
    expect(none).toBeNull();
  });

  it('finds every match as find does', async () => {
    await inTenant(TENANT, async () => {
      await insertRows(manager, Note, [note('n1'), note('n2')]);
      const expected = await manager.find(Note, { where: { tenantId: TENANT }, select: { id: true, body: true } });
      const found = await findFlat(manager, Note, { tenantId: TENANT }, ['id', 'body']);
      expect(found).toHaveLength(2);
      expect(found.sort((a, b) => a.id.localeCompare(b.id))).toEqual(expected.sort((a, b) => a.id.localeCompare(b.id)));
      expect(await findFlatOne(manager, Note, { tenantId: TENANT }, ['id', 'body'])).not.toBeNull();
    });
  });

  it('finds the last entity by a column', async () => {
    await inTenant(TENANT, async () => {
      await insertRows(manager, Note, [note('n1', { rank: 2 }), note('n2', { rank: 7 }), note('n3', { rank: 5 })]);
      const expected = await manager.findOne(Note, { where: { tenantId: TENANT }, order: { rank: 'DESC' } });
      const found = await findFlatLast(manager, Note, { tenantId: TENANT }, 'rank');
      expect(found).toEqual(expected);
      expect(found?.id).toBe('n2');
      expect(await findFlatLast(manager, Note, { tenantId: TENANT, id: 'none' }, 'rank')).toBeNull();
    });
  });

  it('finds no rows without a match', async () => {
    const none = await inTenant(TENANT, () => findFlat(manager, Note, { tenantId: TENANT, id: 'none' }));
    expect(none).toEqual([]);
  });

  it('rejects a missing condition value', async () => {
    await inTenant(TENANT, () => insertRows(manager, Note, note('n1')));
    const lookup = (id: string | undefined) => inTenant(TENANT, () => findFlatOne(manager, Note, { tenantId: TENANT, id }));
    await expect(lookup(undefined)).rejects.toThrow(RangeError);
    await expect(inTenant(TENANT, () => findFlatOne(manager, Note, {}))).rejects.toThrow(RangeError);
    await expect(inTenant(TENANT, () => findFlat(manager, Note, {}))).rejects.toThrow(RangeError);
  });

  it("rejects finding another tenant's row", async () => {
    await inTenant(OTHER, () => insertRows(manager, Note, note('theirs')));
    await expect(inTenant(TENANT, () => findFlatOne(manager, Note, { id: 'theirs' }))).rejects.toThrow(CrossTenantAccessError);
    await expect(inTenant(TENANT, () => findFlat(manager, Note, { id: 'theirs' }))).rejects.toThrow(CrossTenantAccessError);
  });

  it('calls @AfterLoad listeners', async () => {
    await inTenant(TENANT, async () => {
      await insertRows(manager, Label, { id: 'l1', name: 'urgent' });
      const [label] = await selectFlat(manager.getRepository(Label).createQueryBuilder('label'));
      expect(label).toMatchObject({ id: 'l1', name: 'urgent', loaded: true });
    });
  });

  it('stamps tenant and timestamps on insert', async () => {
    const before = Date.now();
    await inTenant(TENANT, () => insertRows(manager, Note, note('n1')));
    const row = await rawRow('n1');
    expect(row!.tenant_id).toBe(TENANT);
    expect(new Date(`${String(row!.created_at).replace(' ', 'T')}Z`).getTime()).toBeGreaterThanOrEqual(before - 1);
  });

  it("rejects inserting another tenant's row", async () => {
    await expect(inTenant(TENANT, () => insertRows(manager, Note, { ...note('n1'), tenantId: OTHER }))).rejects.toThrow(
      CrossTenantAccessError,
    );
    expect(await rawRow('n1')).toBeUndefined();
  });

  it("rejects loading another tenant's row", async () => {
    await inTenant(OTHER, () => insertRows(manager, Note, note('theirs')));
    const unscoped = () => manager.getRepository(Note).createQueryBuilder('note');
    await expect(inTenant(TENANT, () => selectFlat(unscoped()))).rejects.toThrow(CrossTenantAccessError);
  });

  it('writes undefined columns through the builder', async () => {
    await inTenant(TENANT, () => insertRows(manager, Note, [note('n1'), note('n2', { rank: undefined })]));
    const rows = (await dataSource.query('SELECT id, body, rank FROM notes ORDER BY id')) as Record<string, unknown>[];
    expect(rows).toEqual([
      { id: 'n1', body: [...'body of n1'].reverse().join(''), rank: 3 },
      { id: 'n2', body: [...'body of n2'].reverse().join(''), rank: null },
    ]);
  });
});
