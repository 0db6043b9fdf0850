import {
  EventSubscriber,
  type EntitySubscriberInterface,
  type InsertEvent,
  type ObjectLiteral,
  type UpdateEvent,
} from 'typeorm';

/**
 * Stamps the create and update time columns with the JavaScript clock, in milliseconds, before
 * TypeORM falls back to the database clock. TypeORM 1.1.3 otherwise writes `datetime('now')` or
 * `CURRENT_TIMESTAMP` on SQLite, which stores whole seconds in a shorter text format, and `now()`
 * on PostgreSQL, which stores microseconds. Either breaks keyset pagination: a cursor carries
 * the millisecond `Date` of its row, and the row no longer compares equal to it.
 *
 * A value the caller sets, including an SQL expression such as `() => 'updated_at'` that keeps
 * the stored time, is left as it is.
 */
@EventSubscriber()
export class TimestampSubscriber implements EntitySubscriberInterface {
  beforeInsert(event: InsertEvent<ObjectLiteral>): void {
    const row = event.entity;
    if (!row) return;
    const now = new Date();
    for (const column of [event.metadata.createDateColumn, event.metadata.updateDateColumn]) {
      if (column && row[column.propertyName] === undefined) row[column.propertyName] = now;
    }
  }

  /**
   * Sets the update time when the change does not. A query builder update passes only the
   * assigned values (no `databaseEntity`), so a missing property means "not set". `save` passes
   * the whole entity with the loaded row, so an unchanged time means "not set".
   */
  beforeUpdate(event: UpdateEvent<ObjectLiteral>): void {
    const column = event.metadata.updateDateColumn;
    const row = event.entity;
    if (!column || !row) return;
    const property = column.propertyName;
    const value: unknown = row[property];
    const stored: unknown = event.databaseEntity?.[property];
    const unchanged = event.databaseEntity !== undefined && sameInstant(value, stored);
    if (value === undefined || unchanged) row[property] = new Date();
  }
}

function sameInstant(left: unknown, right: unknown): boolean {
  if (left instanceof Date && right instanceof Date) return left.getTime() === right.getTime();
  return left === right;
}
