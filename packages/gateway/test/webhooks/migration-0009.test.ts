import { Migrator, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openStorage, type Storage } from '../../src/storage/database.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { migrationsFor } from '../../src/storage/migrations/index.js';
import { testDatabases } from '../support/databases.js';

// Migration 0009 on a database that already has webhook events: every
// delivery gets its endpoint, every event the order id from its payload.
describe.each(testDatabases())('migration 0009 backfill ($name)', (factory) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function migrateBefore0009(storage: Storage): Promise<void> {
    const schema = storage.dialect === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(storage.db)).rows[0]!.s : undefined;
    const older = Object.fromEntries(Object.entries(migrationsFor(storage.dialect)).filter(([name]) => name < '0009'));
    const { error } = await new Migrator({
      db: storage.db,
      ...(schema ? { migrationTableSchema: schema } : {}),
      provider: { getMigrations: async () => older },
      migrationTableName: 'pdirect_migrations',
      migrationLockTableName: 'pdirect_migrations_lock',
    }).migrateToLatest();
    if (error) throw error;
  }

  it('fills endpoint and order_id for existing rows', async () => {
    const db = await factory.create();
    const storage = openStorage(db.url);
    cleanups.push(
      () => db.drop(),
      () => storage.close(),
    );
    await migrateBefore0009(storage);
    const k = storage.db as any;
    await k.insertInto('merchants').values({ id: 'mch_old', name: 'Old', mode: 'test', redirect_hosts: '[]', created_at: 1, updated_at: 1 }).execute();
    const event = (id: string, url: string, data: unknown) => ({
      id,
      merchant_id: 'mch_old',
      type: 'payment.succeeded',
      notify_url: url,
      payload: JSON.stringify({ id, type: 'payment.succeeded', timestamp: 'x', data }),
      created_at: 1,
    });
    await k
      .insertInto('webhook_events')
      .values([
        event('evt_a', 'https://shop.example/hooks?x=1', { object: { order_id: 'order-a' } }),
        event('evt_b', 'https://shop.example:8443/other', { object: { id: 'rfd_1' } }),
        event('evt_c', 'http://127.0.0.1:9/h', { object: { order_id: 42 } }),
      ])
      .execute();
    for (const id of ['evt_a', 'evt_b', 'evt_c']) {
      await k
        .insertInto('webhook_deliveries')
        .values({ event_id: id, state: 'pending', attempt_count: 0, next_attempt_at: 1, created_at: 1, updated_at: 1 })
        .execute();
    }
    await migrateToLatest(storage);
    const deliveries = await storage.db.selectFrom('webhook_deliveries').select(['event_id', 'endpoint']).orderBy('event_id').execute();
    expect(deliveries).toEqual([
      { event_id: 'evt_a', endpoint: 'https://shop.example' },
      { event_id: 'evt_b', endpoint: 'https://shop.example:8443' },
      { event_id: 'evt_c', endpoint: 'http://127.0.0.1:9' },
    ]);
    const events = await storage.db.selectFrom('webhook_events').select(['id', 'order_id']).orderBy('id').execute();
    expect(events[0]).toEqual({ id: 'evt_a', order_id: 'order-a' });
    expect(events[1]).toEqual({ id: 'evt_b', order_id: null });
  });
});
