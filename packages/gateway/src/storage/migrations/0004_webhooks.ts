import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.js';
import { serialPrimaryKey } from './helpers.js';

// The webhook outbox (docs/api.md#webhooks): events written in the same transaction as the
// state change, one delivery schedule per event (a redelivery starts a new
// one), and one row per attempt.
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('webhook_events')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('merchant_id', 'varchar(40)', (c) => c.notNull().references('merchants.id'))
    .addColumn('type', 'varchar(40)', (c) => c.notNull())
    .addColumn('notify_url', 'text', (c) => c.notNull())
    // The exact bytes that are signed and sent, so every attempt and every redelivery is identical.
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_events_merchant_created').on('webhook_events').columns(['merchant_id', 'created_at']).execute();

  await db.schema
    .createTable('webhook_deliveries')
    .$call((t) => serialPrimaryKey(t, dialect))
    .addColumn('event_id', 'varchar(40)', (c) => c.notNull().references('webhook_events.id'))
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('attempt_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint')
    .addColumn('lease_owner', 'varchar(100)')
    .addColumn('lease_expires_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // The worker's claim query: due pending rows, and delivering rows whose lease lapsed.
  await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['state', 'next_attempt_at']).execute();
  await db.schema.createIndex('webhook_deliveries_lease').on('webhook_deliveries').columns(['state', 'lease_expires_at']).execute();
  // At most one live schedule per event: a redelivery cannot race another one.
  await db.schema
    .createIndex('webhook_deliveries_one_live')
    .on('webhook_deliveries')
    .column('event_id')
    .unique()
    .where(sql<boolean>`state in ('pending', 'delivering')`)
    .execute();
  await db.schema.createIndex('webhook_deliveries_event').on('webhook_deliveries').column('event_id').execute();

  await db.schema
    .createTable('webhook_attempts')
    .$call((t) => serialPrimaryKey(t, dialect))
    .addColumn('delivery_id', 'bigint', (c) => c.notNull().references('webhook_deliveries.id'))
    .addColumn('event_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('attempt_number', 'integer', (c) => c.notNull())
    .addColumn('worker_id', 'varchar(100)', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
    .addColumn('response_status', 'integer')
    .addColumn('error', 'varchar(40)')
    .addColumn('response_body', 'text')
    .addColumn('next_attempt_at', 'bigint')
    .execute();
  await db.schema.createIndex('webhook_attempts_event').on('webhook_attempts').columns(['event_id', 'started_at']).execute();
  await db.schema.createIndex('webhook_attempts_delivery').on('webhook_attempts').column('delivery_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['webhook_attempts', 'webhook_deliveries', 'webhook_events']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
