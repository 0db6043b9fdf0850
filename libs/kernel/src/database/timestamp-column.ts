import { Column, CreateDateColumn, UpdateDateColumn, type ColumnOptions } from 'typeorm';

/**
 * TypeORM names the timestamp type differently per driver (`datetime` on SQLite, `timestamptz`
 * on PostgreSQL), and entity metadata is fixed when the class is decorated. The driver is
 * therefore chosen from DATABASE_URL as it is when the entity modules are first imported,
 * which is before start-up reads the settings.
 */
export function timestampColumnType(): 'datetime' | 'timestamptz' {
  return /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '') ? 'timestamptz' : 'datetime';
}

export function TimestampColumn(options: Omit<ColumnOptions, 'type'> = {}): PropertyDecorator {
  return Column({ ...options, type: timestampColumnType() });
}

export function CreatedAtColumn(): PropertyDecorator {
  return CreateDateColumn({ type: timestampColumnType() });
}

export function UpdatedAtColumn(): PropertyDecorator {
  return UpdateDateColumn({ type: timestampColumnType() });
}
