import type { CreateTableBuilder } from 'kysely';
import type { Dialect } from './schema.ts';

/** An auto-incrementing integer primary key in either dialect. */
export function withId<T extends string>(table: CreateTableBuilder<T, any>, dialect: Dialect) {
  return dialect === 'postgres'
    ? table.addColumn('id', 'serial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}
