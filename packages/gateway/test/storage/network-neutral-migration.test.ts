import { Migrator, sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openStorage, type Storage } from '../../src/storage/database.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { migrationsFor } from '../../src/storage/migrations/index.js';
import { testDatabases, type TestDatabase } from '../support/databases.js';

/**
 * Migration 0006 on a database that already holds payments and refunds from
 * before it: the network references keep their values under the neutral
 * names, and every old payment is marked as the network it went through.
 */
describe.each(testDatabases())('migration 0006: network-neutral storage ($name)', (factory) => {
  let db: TestDatabase | undefined;
  let storage: Storage | undefined;
  afterEach(async () => {
    await storage?.close();
    await db?.drop();
  });

  it('moves existing payment and refund references to the neutral columns', async () => {
    db = await factory.create();
    storage = openStorage(db.url);
    // As migrate.ts does: on PostgreSQL the bookkeeping tables live in this test's own schema.
    const schema =
      storage.dialect === 'postgres' ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(storage.db)).rows[0]?.schema : undefined;
    const migrator = new Migrator({
      db: storage.db,
      ...(schema ? { migrationTableSchema: schema } : {}),
      provider: { getMigrations: async () => migrationsFor(storage!.dialect) },
      migrationTableName: 'pdirect_migrations',
      migrationLockTableName: 'pdirect_migrations_lock',
    });
    const before = await migrator.migrateTo('0005_otp');
    expect(before.error).toBeUndefined();

    const old = storage.db as unknown as Kysely<any>;
    const t = 1_700_000_000_000;
    await old
      .insertInto('merchants')
      .values({ id: 'mch_old', name: 'Old', mode: 'test', redirect_hosts: '[]', fingerprint_mode: null, created_at: t, updated_at: t })
      .execute();
    await old
      .insertInto('checkout_sessions')
      .values({
        id: 'cs_old',
        merchant_id: 'mch_old',
        token_hash: 'h'.repeat(64),
        amount: '1.00',
        amount_minor: 100,
        currency: 'usd',
        customer_reference: 'c',
        order_id: 'o',
        notify_url: 'https://x.example/n',
        success_redirect_url: 'https://x.example/s',
        fail_redirect_url: 'https://x.example/f',
        capture_mode: 'HOSTED_SESSION',
        require_otp: 0,
        status: 'paid',
        expires_at: t,
        created_at: t,
        updated_at: t,
      })
      .execute();
    await old
      .insertInto('payments')
      .values({
        id: 'pay_old',
        session_id: 'cs_old',
        merchant_id: 'mch_old',
        order_id: 'o',
        amount: '1.00',
        amount_minor: 100,
        currency: 'usd',
        customer_reference: 'c',
        status: 'succeeded',
        hosted_session_id: 'SESSION0001',
        mpgs_order_id: 'pay_old_at_network',
        auth_txn_id: 'auth-1',
        pay_txn_id: 'pay-1',
        amount_refunded_minor: 100,
        created_at: t,
        updated_at: t,
      })
      .execute();
    await old
      .insertInto('refunds')
      .values({
        id: 're_old',
        payment_id: 'pay_old',
        merchant_id: 'mch_old',
        amount: '1.00',
        amount_minor: 100,
        currency: 'usd',
        status: 'succeeded',
        mpgs_txn_id: 're_old_at_network',
        created_at: t,
        updated_at: t,
      })
      .execute();

    expect((await migrateToLatest(storage)).applied).toContain('0006_network_neutral');

    const payment = await storage.db.selectFrom('payments').selectAll().where('id', '=', 'pay_old').executeTakeFirstOrThrow();
    expect(payment).toMatchObject({ network: 'mpgs', network_order_ref: 'pay_old_at_network', network_data: null, auth_txn_id: 'auth-1', pay_txn_id: 'pay-1' });
    expect(payment).not.toHaveProperty('mpgs_order_id');
    const refund = await storage.db.selectFrom('refunds').selectAll().where('id', '=', 're_old').executeTakeFirstOrThrow();
    expect(refund).toMatchObject({ network_txn_ref: 're_old_at_network' });
    expect(refund).not.toHaveProperty('mpgs_txn_id');
    expect(await storage.db.selectFrom('session_transitions').selectAll().execute()).toEqual([]);
  });
});
