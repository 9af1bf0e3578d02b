import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.js';

// Webhook isolation and the events API: every delivery names its endpoint
// (the notify URL's origin) so claims are fair per endpoint; one health row
// per endpoint carries its circuit breaker; events carry the order id they
// concern, for `GET /v1/events?order_id=`. On PostgreSQL a new delivery
// notifies the workers when it commits (LISTEN pdirect_webhooks).
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  await db.schema.alterTable('webhook_deliveries').addColumn('endpoint', 'varchar(300)').execute();
  await db.schema.alterTable('webhook_events').addColumn('order_id', 'varchar(100)').execute();

  // Backfill, in a few set-wise statements: the origin of each event's notify URL (one update per
  // distinct URL), and the order id from the payload (JSON written by the outbox).
  const urls = await db.selectFrom('webhook_events').select('notify_url').distinct().execute();
  for (const { notify_url } of urls as Array<{ notify_url: string }>) {
    await db
      .updateTable('webhook_deliveries')
      .set({ endpoint: endpointOf(notify_url) })
      .where('event_id', 'in', (eb: any) => eb.selectFrom('webhook_events').select('id').where('notify_url', '=', notify_url))
      .execute();
  }
  if (dialect === 'postgres') {
    await sql`update webhook_events set order_id = left(payload::jsonb #>> '{data,object,order_id}', 100)`.execute(db);
  } else {
    await sql`update webhook_events set order_id = substr(json_extract(payload, '$.data.object.order_id'), 1, 100)
      where json_valid(payload) and json_type(payload, '$.data.object.order_id') = 'text'`.execute(db);
  }

  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('endpoint', 'varchar(300)', (c) => c.primaryKey())
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    // Since the first failure of the current run of failures; null while healthy.
    .addColumn('failing_since', 'bigint')
    // Circuit breaker: while set and in the future, nothing is sent to the endpoint; after it, one probe.
    .addColumn('paused_until', 'bigint')
    .addColumn('last_error', 'varchar(40)')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  // Claims: the endpoints with pending work (a loose index scan), each one's due rows oldest first, and what is in flight per endpoint.
  await db.schema.createIndex('webhook_deliveries_endpoint').on('webhook_deliveries').columns(['state', 'endpoint', 'next_attempt_at']).execute();
  // The events API: newest first per merchant, optionally by type or order.
  await db.schema.createIndex('webhook_events_merchant_type').on('webhook_events').columns(['merchant_id', 'type', 'created_at']).execute();
  await db.schema.createIndex('webhook_events_merchant_order').on('webhook_events').columns(['merchant_id', 'order_id', 'created_at']).execute();

  if (dialect === 'postgres') {
    await sql`create or replace function pdirect_webhook_notify() returns trigger language plpgsql as $$
      begin perform pg_notify('pdirect_webhooks', ''); return null; end $$`.execute(db);
    await sql`create trigger webhook_deliveries_notify after insert on webhook_deliveries
      for each statement execute function pdirect_webhook_notify()`.execute(db);
  }
}

export async function down(db: Kysely<any>, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') {
    await sql`drop trigger if exists webhook_deliveries_notify on webhook_deliveries`.execute(db);
    await sql`drop function if exists pdirect_webhook_notify()`.execute(db);
  }
  await db.schema.dropIndex('webhook_events_merchant_order').ifExists().execute();
  await db.schema.dropIndex('webhook_events_merchant_type').ifExists().execute();
  await db.schema.dropIndex('webhook_deliveries_endpoint').ifExists().execute();
  await db.schema.dropTable('webhook_endpoints').ifExists().execute();
  await db.schema.alterTable('webhook_events').dropColumn('order_id').execute();
  await db.schema.alterTable('webhook_deliveries').dropColumn('endpoint').execute();
}

/** The endpoint a notify URL belongs to: its origin (scheme, host, port). */
export function endpointOf(notifyUrl: string): string {
  try {
    return new URL(notifyUrl).origin.slice(0, 300);
  } catch {
    return notifyUrl.slice(0, 300);
  }
}
