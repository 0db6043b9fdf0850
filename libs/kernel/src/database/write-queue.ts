import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

interface PendingWrite {
  work: (manager: EntityManager) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  enqueuedAt: number;
}

export interface WriteQueueStats {
  batches: number;
  writes: number;
  failures: number;
  lastWaitMs: number;
}

/**
 * Serialises every write to one SQLite database and groups the writes of concurrent requests into
 * one commit. TypeORM's better-sqlite3 driver hands all callers one query runner, so two
 * overlapping `transaction()` calls would nest into each other; here only the queue opens
 * transactions. Each write runs in its own savepoint, so a failure rolls back that write alone,
 * and no caller is answered before the commit that contains its write has returned.
 */
export class WriteQueue {
  private readonly logger = new Logger(WriteQueue.name);
  private readonly pending: PendingWrite[] = [];
  private draining = false;
  private closed = false;
  private idle: Promise<void> = Promise.resolve();
  readonly stats: WriteQueueStats = { batches: 0, writes: 0, failures: 0, lastWaitMs: 0 };

  constructor(
    private readonly dataSource: DataSource,
    private readonly maxBatchSize = 64,
    private readonly onWait?: (milliseconds: number) => void,
  ) {}

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('The database is closing; retry the request'));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({
        work,
        resolve: resolve as (value: unknown) => void,
        reject,
        enqueuedAt: performance.now(),
      });
      if (!this.draining) {
        this.draining = true;
        // Let the other requests of this event-loop turn join the same commit.
        this.idle = new Promise((done) => setImmediate(() => void this.drain().finally(done)));
      }
    });
  }

  /** Stops accepting writes and waits for the ones already queued. */
  async close(): Promise<void> {
    this.closed = true;
    await this.idle;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, this.maxBatchSize);
        await this.runBatch(batch);
      }
    } finally {
      this.draining = false;
    }
  }

  private async runBatch(batch: PendingWrite[]): Promise<void> {
    const runner = this.dataSource.createQueryRunner();
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      await this.begin(runner);
      for (const write of batch) outcomes.push(await this.runInSavepoint(runner, write));
      await runner.commitTransaction();
    } catch (error) {
      // The batch as a whole failed (BEGIN, a savepoint statement or COMMIT), for example because
      // SQLite rolled the transaction back itself after an I/O error. Nothing of it is stored, so
      // each write is retried alone: the innocent ones then commit and only the culprit fails.
      this.logger.error({ message: 'Write batch failed and was rolled back', writes: batch.length, error: String(error) });
      await this.abandon(runner);
      if (batch.length > 1) {
        for (const write of batch) await this.runBatch([write]);
        return;
      }
      this.stats.failures += 1;
      batch[0]!.reject(error);
      return;
    }

    this.stats.batches += 1;
    batch.forEach((write, index) => {
      const outcome = outcomes[index]!;
      this.stats.writes += 1;
      if (outcome.ok) {
        write.resolve(outcome.value);
      } else {
        this.stats.failures += 1;
        write.reject(outcome.error);
      }
    });
  }

  /** Runs one write in its own savepoint; its failure rolls back only its own statements. */
  private async runInSavepoint(
    runner: QueryRunner,
    write: PendingWrite,
  ): Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }> {
    const wait = performance.now() - write.enqueuedAt;
    this.stats.lastWaitMs = wait;
    this.onWait?.(wait);
    await runner.query('SAVEPOINT masala_write');
    try {
      const value = await write.work(runner.manager);
      await runner.query('RELEASE masala_write');
      return { ok: true, value };
    } catch (error) {
      await runner.query('ROLLBACK TO masala_write');
      await runner.query('RELEASE masala_write');
      return { ok: false, error };
    }
  }

  /** Rolls back whatever is left of a failed batch and resets the shared runner's state. */
  private async abandon(runner: QueryRunner): Promise<void> {
    const state = runner as unknown as { isTransactionActive: boolean; transactionDepth: number };
    await runner.query('ROLLBACK').catch(() => undefined);
    state.isTransactionActive = false;
    state.transactionDepth = 0;
  }

  /**
   * Opens the batch transaction with BEGIN IMMEDIATE, so the write lock is taken (waiting through
   * busy_timeout) before any statement runs. A deferred transaction that reads first can fail with
   * SQLITE_BUSY without waiting when another process, such as the CLI, holds the lock.
   */
  private async begin(runner: QueryRunner): Promise<void> {
    await runner.query('BEGIN IMMEDIATE');
    const state = runner as unknown as { isTransactionActive: boolean; transactionDepth: number };
    state.isTransactionActive = true;
    state.transactionDepth = 1;
  }
}
