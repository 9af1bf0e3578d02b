import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openStorage } from '../../src/storage/database.js';
import { migrateToLatest, MIGRATION_LOCK_KEY } from '../../src/storage/migrate.js';
import { migrationsFor } from '../../src/storage/migrations/index.js';
import { testDatabases } from '../support/databases.js';

// Every CLI command and every boot runs migrateToLatest. On an up-to-date
// database it reads the bookkeeping table and stops: no advisory lock, no
// catalogue scan (which, on a server with many schemas, took seconds).
describe.each(testDatabases())('migrateToLatest on an up-to-date database ($name)', (factory) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function fresh() {
    const db = await factory.create();
    const storage = openStorage(db.url);
    cleanups.push(
      () => db.drop(),
      () => storage.close(),
    );
    return { db, storage };
  }

  it('applies everything once, then nothing — without waiting for another process holding the migration lock', async () => {
    const { db, storage } = await fresh();
    const known = Object.keys(migrationsFor(storage.dialect)).sort();
    expect((await migrateToLatest(storage)).applied).toEqual(known);

    let release: (() => Promise<void>) | undefined;
    if (db.name === 'postgres') {
      // Another process mid-migration elsewhere on the server holds the lock.
      const holder = new pg.Client({ connectionString: process.env.PDIRECT_TEST_POSTGRES_URL });
      await holder.connect();
      await holder.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      release = async () => {
        await holder.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
        await holder.end();
      };
      cleanups.push(release);
    }
    const started = performance.now();
    expect((await migrateToLatest(storage)).applied).toEqual([]);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('a database with a migration this build does not know takes the full path, and the migrator refuses it', async () => {
    const { storage } = await fresh();
    await migrateToLatest(storage);
    await sql`insert into pdirect_migrations (name, timestamp) values ('9999_from_the_future', '2030-01-01T00:00:00.000Z')`.execute(storage.db);
    await expect(migrateToLatest(storage)).rejects.toThrow(/9999_from_the_future/);
  });
});
