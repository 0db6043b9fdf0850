import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf, runStatements } from '#kernel';

const COLUMNS = ['created_at', 'updated_at', 'due_at', 'resolved_at', 'deleted_at'];

/**
 * Rewrites ticket timestamps that the database clock wrote into the millisecond form that the
 * application writes. Before TimestampSubscriber, TypeORM stamped some updates with SQLite's
 * `CURRENT_TIMESTAMP` (whole seconds, stored as text without a fraction) or PostgreSQL's
 * `now()` (microseconds). Such rows never compare equal to the millisecond time in a list
 * cursor, so keyset pagination repeated or skipped them.
 */
export class NormalizeTicketTimestamps1764806400290 implements MigrationInterface {
  name = 'NormalizeTicketTimestamps1764806400290';

  async up(queryRunner: QueryRunner): Promise<void> {
    const sql = dialectOf(queryRunner);
    if (sql.dialect === 'sqlite') {
      // strftime('%f') gives seconds with three decimals, the text form TypeORM writes.
      const normalized = (column: string) => `strftime('%Y-%m-%d %H:%M:%f', ${column})`;
      await runStatements(
        queryRunner,
        COLUMNS.map((column) => `UPDATE tickets SET ${column} = ${normalized(column)} WHERE ${column} <> ${normalized(column)}`),
      );
      return;
    }
    // Row-level security hides every row from a transaction without a tenant, the owner's too
    // while FORCE is set. Lifting FORCE for this one transaction lets the owner reach all tenants.
    const truncated = (column: string) => `date_trunc('milliseconds', ${column})`;
    await runStatements(queryRunner, [
      'ALTER TABLE tickets NO FORCE ROW LEVEL SECURITY',
      ...COLUMNS.map((column) => `UPDATE tickets SET ${column} = ${truncated(column)} WHERE ${column} <> ${truncated(column)}`),
      'ALTER TABLE tickets FORCE ROW LEVEL SECURITY',
    ]);
  }

  async down(): Promise<void> {
    // The rewritten values are equal to the originals at millisecond precision, so there is
    // nothing to restore.
  }
}
