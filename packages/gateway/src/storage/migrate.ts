import { Migrator, sql } from 'kysely';
import type { Storage } from './database.js';
import { migrationsFor } from './migrations/index.js';

export interface MigrationReport {
  applied: string[];
}

/** One advisory lock for every pdirect migration run on a PostgreSQL server. */
export const MIGRATION_LOCK_KEY = 0x70646d67; // 'pdmg'

/**
 * Brings the schema up to date. Safe to run from several processes at once.
 * On PostgreSQL the whole run holds a session advisory lock taken before
 * Kysely's migrator looks at the catalogue: its own lock is taken only after
 * it has introspected every table, and that scan fails when another process
 * renames a column at the same moment (two gateways booting on one database).
 */
export async function migrateToLatest(storage: Storage): Promise<MigrationReport> {
  // The common case — every CLI command, every boot of an up-to-date gateway — reads one small table
  // and is done: no lock, and no scan of the server's whole catalogue.
  if (await isUpToDate(storage)) return { applied: [] };
  if (storage.dialect !== 'postgres') return migrateUnlocked(storage);
  return storage.db.connection().execute(async (lockHolder) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(lockHolder);
    try {
      return await migrateUnlocked(storage);
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(lockHolder);
    }
  });
}

/**
 * Whether the applied migrations are exactly the ones this build knows. Any
 * other answer (no table yet, one missing, one this build does not know)
 * takes the full path, where the migrator applies or complains.
 */
async function isUpToDate(storage: Storage): Promise<boolean> {
  const exists =
    storage.dialect === 'postgres'
      ? sql<{ found: string | null }>`select to_regclass(quote_ident(current_schema()) || '.pdirect_migrations')::text as found`
      : sql<{ found: string | null }>`select name as found from sqlite_master where type = 'table' and name = 'pdirect_migrations'`;
  if (!(await exists.execute(storage.db)).rows[0]?.found) return false;
  const applied = (await sql<{ name: string }>`select name from pdirect_migrations`.execute(storage.db)).rows.map((r) => r.name).sort();
  const known = Object.keys(migrationsFor(storage.dialect)).sort();
  return applied.length === known.length && applied.every((name, i) => name === known[i]);
}

async function migrateUnlocked(storage: Storage): Promise<MigrationReport> {
  // Kysely looks its bookkeeping tables up across every schema; on PostgreSQL
  // name the one in use, or another schema's tables would be taken for ours.
  const schema =
    storage.dialect === 'postgres' ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(storage.db)).rows[0]?.schema : undefined;
  const migrator = new Migrator({
    db: storage.db,
    ...(schema ? { migrationTableSchema: schema } : {}),
    provider: { getMigrations: async () => migrationsFor(storage.dialect) },
    migrationTableName: 'pdirect_migrations',
    migrationLockTableName: 'pdirect_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
