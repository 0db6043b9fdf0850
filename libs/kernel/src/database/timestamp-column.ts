import { Column, CreateDateColumn, UpdateDateColumn, type ColumnOptions } from 'typeorm';

/**
 * Timestamp columns typed as the JavaScript `Date`. Each TypeORM driver maps `Date` to its own
 * type when the data source is built (`datetime` on SQLite, a timestamp on PostgreSQL), so one
 * entity class serves both databases, whatever DATABASE_URL was when it was imported. TypeORM
 * 1.1.3 converts `Date` values exactly as it converts `datetime` and `timestamptz` columns. The
 * migrations, not these types, decide the stored column type (`timestamptz` on PostgreSQL).
 */
export function TimestampColumn(options: Omit<ColumnOptions, 'type'> = {}): PropertyDecorator {
  return Column({ ...options, type: Date });
}

export function CreatedAtColumn(): PropertyDecorator {
  return CreateDateColumn({ type: Date });
}

export function UpdatedAtColumn(): PropertyDecorator {
  return UpdateDateColumn({ type: Date });
}
