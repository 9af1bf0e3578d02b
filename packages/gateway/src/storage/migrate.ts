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
