import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { createSqliteDataSource } from './sqlite-data-source.js';
import { WriteQueue } from './write-queue.js';

describe('WriteQueue on SQLite', () => {
  let folder: string;
  let dataSource: DataSource;
  let queue: WriteQueue;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'masala-queue-'));
    dataSource = createSqliteDataSource(
      { file: join(folder, 'queue.sqlite'), synchronous: 'FULL', busyTimeoutMs: 5000 },
      { entities: [], migrations: [], subscribers: [] },
    );
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT NOT NULL)');
    await dataSource.query('CREATE TABLE item_log (item_id INTEGER NOT NULL, note TEXT NOT NULL)');
    queue = new WriteQueue(dataSource, 64);
  });

  afterAll(async () => {
    await queue.close();
    await dataSource.destroy();
    rmSync(folder, { recursive: true, force: true });
  });

  it('applies the chosen pragmas', async () => {
    const [journal] = (await dataSource.query('PRAGMA journal_mode')) as Array<{ journal_mode: string }>;
    const [synchronous] = (await dataSource.query('PRAGMA synchronous')) as Array<{ synchronous: number }>;
    const [secureDelete] = (await dataSource.query('PRAGMA secure_delete')) as Array<{ secure_delete: number }>;
    const [foreignKeys] = (await dataSource.query('PRAGMA foreign_keys')) as Array<{ foreign_keys: number }>;
    expect(journal!.journal_mode).toBe('wal');
    expect(synchronous!.synchronous).toBe(2);
    expect(secureDelete!.secure_delete).toBe(1);
    expect(foreignKeys!.foreign_keys).toBe(1);
  });

  it('isolates 200 concurrent writes where a tenth fail', async () => {
    const writes = Array.from({ length: 200 }, (_, index) =>
      queue.run(async (manager) => {
        await manager.query('INSERT INTO items (id, label) VALUES (?, ?)', [index, `item ${index}`]);
        // Yield between statements, as a real handler does, so other writes could interleave.
        await new Promise((resolve) => setImmediate(resolve));
        if (index % 10 === 0) throw new Error(`write ${index} failed on purpose`);
        await manager.query('INSERT INTO item_log (item_id, note) VALUES (?, ?)', [index, 'created']);
        return index;
      }),
    );
    const outcomes = await Promise.allSettled(writes);

    const failed = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(failed).toHaveLength(20);
    const items = (await dataSource.query('SELECT id FROM items ORDER BY id')) as Array<{ id: number }>;
    const logs = (await dataSource.query('SELECT item_id FROM item_log ORDER BY item_id')) as Array<{ item_id: number }>;
    const expected = Array.from({ length: 200 }, (_, index) => index).filter((index) => index % 10 !== 0);
    expect(items.map((row) => row.id)).toEqual(expected);
    expect(logs.map((row) => row.item_id)).toEqual(expected);
    expect(queue.stats.batches).toBeLessThan(200);
  });

  it('answers a write only after its commit', async () => {
    const id = await queue.run(async (manager) => {
      await manager.query('INSERT INTO items (id, label) VALUES (?, ?)', [1000, 'after commit']);
      return 1000;
    });
    const reader = createSqliteDataSource(
      { file: join(folder, 'queue.sqlite'), synchronous: 'FULL', busyTimeoutMs: 5000, readonly: true },
      { entities: [], migrations: [], subscribers: [] },
    );
    await reader.initialize();
    const rows = (await reader.query('SELECT id FROM items WHERE id = ?', [id])) as unknown[];
    await reader.destroy();
    expect(rows).toHaveLength(1);
  });

  it('leaves no transaction open after a failure', async () => {
    await expect(
      queue.run(async (manager) => {
        await manager.query('INSERT INTO items (id, label) VALUES (?, ?)', [2000, 'x']);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await queue.run((manager) => manager.query('INSERT INTO items (id, label) VALUES (?, ?)', [2001, 'y']));
    const rows = (await dataSource.query('SELECT id FROM items WHERE id >= 2000')) as Array<{ id: number }>;
    expect(rows.map((row) => row.id)).toEqual([2001]);
  });

  it('retries a batch that SQLite aborted', async () => {
    // RAISE(ROLLBACK) in a trigger ends the whole transaction, taking the other writes of the
    // batch with it; they must be retried alone and stored, and only the culprit rejected.
    await dataSource.query(
      `CREATE TRIGGER abort_batch BEFORE INSERT ON items WHEN NEW.label = 'abort'
       BEGIN SELECT RAISE(ROLLBACK, 'batch aborted'); END`,
    );
    try {
      const writes = [3000, 3001, 3002].map((id) =>
        queue.run((manager) =>
          manager.query('INSERT INTO items (id, label) VALUES (?, ?)', [id, id === 3001 ? 'abort' : 'kept?']),
        ),
      );
      const outcomes = await Promise.allSettled(writes);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      const rows = (await dataSource.query('SELECT id FROM items WHERE id >= 3000 ORDER BY id')) as Array<{ id: number }>;
      expect(rows.map((row) => row.id)).toEqual([3000, 3002]);
    } finally {
      await dataSource.query('DROP TRIGGER abort_batch');
    }
    await queue.run((manager) => manager.query('INSERT INTO items (id, label) VALUES (?, ?)', [3100, 'after']));
    const after = (await dataSource.query('SELECT id FROM items WHERE id = 3100')) as unknown[];
    expect(after).toHaveLength(1);
  });
});
