import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../database.js';
import * as m0001 from './0001_core.js';

interface DialectMigration {
  up(db: Kysely<any>, dialect: Dialect): Promise<void>;
  down?(db: Kysely<any>, dialect: Dialect): Promise<void>;
}

/** Numbered migrations, applied in name order; the same files run on SQLite and PostgreSQL. */
const ALL: Record<string, DialectMigration> = {
  '0001_core': m0001,
};

export function migrationsFor(dialect: Dialect): Record<string, Migration> {
  return Object.fromEntries(
    Object.entries(ALL).map(([name, m]) => [
      name,
      { up: (db: Kysely<any>) => m.up(db, dialect), down: m.down ? (db: Kysely<any>) => m.down!(db, dialect) : undefined },
    ]),
  );
}
