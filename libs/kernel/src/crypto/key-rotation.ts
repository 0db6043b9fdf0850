import { Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EntityManager } from 'typeorm';

import { SYSTEM_ACTOR, type Actor } from '../context/request-context.js';
import { TenantDatabase } from '../database/tenant-database.js';
import { DomainEvent } from '../events/domain-event.js';
import { findEncryptedTables, type EncryptedTable } from './encrypted-columns.js';
import { FieldEncryption } from './field-encryption.js';
import { reencryptStoredValue } from './stored-values.js';

/**
 * Runs `work` in the caller's transaction with whatever a table needs before its rows may be
 * updated, such as the rewrite permit of the append-only audit table.
 */
export type RewriteGuard = <T>(
  manager: EntityManager,
  tenantId: string,
  work: () => Promise<T>,
) => Promise<T>;

export interface RotationProgress {
  tenantId: string;
  /** 1 for the first pass over every table; later passes pick up values written meanwhile. */
  pass: number;
  table: string;
  /** Rows of this table read so far in this pass. */
  scanned: number;
  /** Rows of this table for the tenant when the pass started. */
  total: number;
  /** Values re-encrypted so far, over all passes and tables. */
  reencrypted: number;
}

export interface RotationOptions {
  /** Rows per write transaction. Defaults to 200. */
  batchSize?: number;
  /**
   * Time after the rotation until every process encrypts with the new key, in milliseconds.
   * Defaults to twice FieldEncryption's refresh interval. Pass 0 when no other process serves
   * the tenant.
   */
  graceMs?: number;
  /** Deletes the replaced key versions once no stored value uses them. Defaults to true. */
  retireOldKeys?: boolean;
  /** False re-encrypts under the current key without creating a new version. Defaults to true. */
  createKey?: boolean;
  actor?: Actor;
  onProgress?: (progress: RotationProgress) => void;
}

export interface RotationResult {
  tenantId: string;
  activeKeyId: string;
  reencrypted: number;
  passes: number;
  retiredKeyIds: string[];
}

/** Recorded in the tenant's audit trail when its data key was rotated. */
export class TenantKeyRotatedEvent extends DomainEvent {
  readonly action = 'keys.rotated';

  constructor(
    tenantId: string,
    actor: Actor,
    keyId: string,
    retiredKeyIds: string[],
    reencrypted: number,
  ) {
    super(tenantId, actor, 'data_key', keyId, { new: { keyId, retiredKeyIds, reencrypted } });
  }
}

const DEFAULT_BATCH_SIZE = 200;
/** Passes after the first, until one finds nothing left to re-encrypt. */
const MAX_EXTRA_PASSES = 5;

/**
 * Rotates a tenant's data key and re-encrypts its stored values while the API keeps serving.
 * Each batch reads and updates its rows inside one TenantDatabase.write, so it interleaves with
 * requests and never overwrites a change made between the read and the update. The replaced
 * key is retired only after a pass that starts after the grace period finds no value left.
 */
@Injectable()
export class KeyRotation {
  private readonly logger = new Logger(KeyRotation.name);
  private readonly guards = new Map<string, RewriteGuard>();

  constructor(
    private readonly database: TenantDatabase,
    private readonly encryption: FieldEncryption,
  ) {}

  registerRewriteGuard(table: string, guard: RewriteGuard): void {
    this.guards.set(table, guard);
  }

  async rotateTenant(tenantId: string, options: RotationOptions = {}): Promise<RotationResult> {
    await this.encryption.prepareTenant(tenantId);
    const keyId =
      options.createKey === false
        ? this.encryption.activeKeyId(tenantId)
        : this.encryption.rotateTenantKey(tenantId).id;
    const settledAt = Date.now() + (options.graceMs ?? 2 * this.encryption.activeKeyRefreshMs);
    this.logger.log({ message: 'Re-encrypting tenant data', tenantId, keyId });

    const tables = await this.database.read(tenantId, async (manager) =>
      findEncryptedTables(manager.connection),
    );
    const counter = { reencrypted: 0 };
    let passes = 1;
    await this.runPass(tenantId, tables, 1, counter, options);
    await sleep(Math.max(0, settledAt - Date.now()));
    let settled = false;
    while (!settled && passes <= MAX_EXTRA_PASSES) {
      passes += 1;
      settled = (await this.runPass(tenantId, tables, passes, counter, options)) === 0;
    }

    const retiredKeyIds =
      settled && options.retireOldKeys !== false ? this.retireReplacedKeys(tenantId) : [];
    if (!settled) {
      this.logger.warn({
        message: 'Values were still being written under an old key; kept it',
        tenantId,
        keyId,
      });
    }
    await this.database.write(tenantId, (unitOfWork) =>
      unitOfWork.emit(
        new TenantKeyRotatedEvent(
          tenantId,
          options.actor ?? SYSTEM_ACTOR,
          keyId,
          retiredKeyIds,
          counter.reencrypted,
        ),
      ),
    );
    this.logger.log({
      message: 'Tenant data re-encrypted',
      tenantId,
      keyId,
      reencrypted: counter.reencrypted,
    });
    return {
      tenantId,
      activeKeyId: keyId,
      reencrypted: counter.reencrypted,
      passes,
      retiredKeyIds,
    };
  }

  /** Returns the number of values re-encrypted in this pass. */
  private async runPass(
    tenantId: string,
    tables: EncryptedTable[],
    pass: number,
    counter: { reencrypted: number },
    options: RotationOptions,
  ): Promise<number> {
    const before = counter.reencrypted;
    for (const table of tables) {
      const total = await this.countRows(tenantId, table);
      let scanned = 0;
      let after: unknown[] | undefined;
      options.onProgress?.({
        tenantId,
        pass,
        table: table.table,
        scanned,
        total,
        reencrypted: counter.reencrypted,
      });
      for (;;) {
        const batch = await this.reencryptBatch(
          tenantId,
          table,
          after,
          options.batchSize ?? DEFAULT_BATCH_SIZE,
        );
        counter.reencrypted += batch.reencrypted;
        scanned += batch.rows;
        options.onProgress?.({
          tenantId,
          pass,
          table: table.table,
          scanned,
          total,
          reencrypted: counter.reencrypted,
        });
        if (batch.last === undefined) break;
        after = batch.last;
      }
    }
    return counter.reencrypted - before;
  }

  private async reencryptBatch(
    tenantId: string,
    table: EncryptedTable,
    after: unknown[] | undefined,
    batchSize: number,
  ): Promise<{ rows: number; reencrypted: number; last?: unknown[] }> {
    return this.database.write(tenantId, async ({ manager }) => {
      const sql = new SqlBuilder(manager);
      const rows = (await manager.query(sql.selectBatch(table, after !== undefined, batchSize), [
        tenantId,
        ...(after ?? []),
      ])) as Array<Record<string, unknown>>;

      const updates: Array<{ key: unknown[]; values: Array<[string, unknown]> }> = [];
      for (const row of rows) {
        const values: Array<[string, unknown]> = [];
        for (const column of table.columns) {
          const result = reencryptStoredValue(
            row[column.column],
            column.transformer,
            tenantId,
            this.encryption,
          );
          if (result.changed) values.push([column.column, result.value]);
        }
        if (values.length > 0)
          updates.push({ key: table.primaryKey.map((name) => row[name]), values });
      }

      const guard = this.guards.get(table.table) ?? ((_manager, _tenant, work) => work());
      if (updates.length > 0) {
        await guard(manager, tenantId, async () => {
          for (const update of updates) {
            const statement = sql.updateRow(
              table,
              update.values.map(([column]) => column),
            );
            await manager.query(statement, [
              ...update.values.map(([, value]) => value),
              ...update.key,
            ]);
          }
        });
      }
      const reencrypted = updates.reduce((sum, update) => sum + update.values.length, 0);
      const lastRow = rows.length === batchSize ? rows.at(-1) : undefined;
      const last =
        lastRow === undefined ? undefined : table.primaryKey.slice(1).map((name) => lastRow[name]);
      return { rows: rows.length, reencrypted, last };
    });
  }

  private async countRows(tenantId: string, table: EncryptedTable): Promise<number> {
    return this.database.read(tenantId, async (manager) => {
      const sql = new SqlBuilder(manager);
      const rows = (await manager.query(
        `SELECT COUNT(*) AS count FROM ${quote(table.table)} WHERE tenant_id = ${sql.parameter(1)}`,
        [tenantId],
      )) as Array<{ count: number | string }>;
      return Number(rows[0]?.count ?? 0);
    });
  }

  private retireReplacedKeys(tenantId: string): string[] {
    const retired: string[] = [];
    for (const key of this.encryption.listTenantKeys(tenantId)) {
      if (key.status !== 'decrypt-only') continue;
      this.encryption.retireKey(key.keyId);
      retired.push(key.keyId);
      this.logger.log({ message: 'Retired data key', tenantId, keyId: key.keyId });
    }
    return retired;
  }
}

/** Raw SQL for both dialects: `?` placeholders on SQLite, `$n` on PostgreSQL. */
class SqlBuilder {
  private readonly postgres: boolean;

  constructor(manager: EntityManager) {
    this.postgres = manager.connection.driver.options.type === 'postgres';
  }

  parameter(index: number): string {
    return this.postgres ? `$${index}` : '?';
  }

  /** Selects the next batch by primary key after `tenant_id`, which every key starts with. */
  selectBatch(table: EncryptedTable, hasCursor: boolean, batchSize: number): string {
    const rest = table.primaryKey.slice(1);
    const columns = [...table.primaryKey, ...table.columns.map((column) => column.column)]
      .map(quote)
      .join(', ');
    const cursor = hasCursor
      ? ` AND (${rest.map(quote).join(', ')}) > (${rest.map((_, index) => this.parameter(index + 2)).join(', ')})`
      : '';
    return (
      `SELECT ${columns} FROM ${quote(table.table)} WHERE tenant_id = ${this.parameter(1)}${cursor} ` +
      `ORDER BY ${rest.map(quote).join(', ')} LIMIT ${batchSize}`
    );
  }

  updateRow(table: EncryptedTable, columns: string[]): string {
    const assignments = columns.map(
      (column, index) => `${quote(column)} = ${this.parameter(index + 1)}`,
    );
    const keys = table.primaryKey.map(
      (name, index) => `${quote(name)} = ${this.parameter(columns.length + index + 1)}`,
    );
    return `UPDATE ${quote(table.table)} SET ${assignments.join(', ')} WHERE ${keys.join(' AND ')}`;
  }
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}
