import type { CreateTableBuilder } from 'kysely';
import type { Dialect } from '../database.js';

/** An auto-incrementing integer `id` primary key in either dialect. */
export function serialPrimaryKey<T extends string>(table: CreateTableBuilder<T, never>, dialect: Dialect): CreateTableBuilder<T, 'id'> {
  return dialect === 'postgres'
    ? table.addColumn('id', 'bigserial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}
