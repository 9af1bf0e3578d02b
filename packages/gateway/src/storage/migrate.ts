import { Migrator, sql } from 'kysely';
import type { Storage } from './database.js';
import { migrationsFor } from './migrations/index.js';

export interface MigrationReport {
  applied: string[];
}

/**
 * Brings the schema up to date. Safe to run from several processes at once:
 * Kysely's migrator takes a lock (an advisory lock on PostgreSQL).
 */
export async function migrateToLatest(storage: Storage): Promise<MigrationReport> {
  // Kysely looks its bookkeeping tables up across every schema; on PostgreSQL
  // name the one in use, or another schema's tables would be taken for ours.
  const schema =
    storage.dialect === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(storage.db)).rows[0]?.schema
      : undefined;
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
