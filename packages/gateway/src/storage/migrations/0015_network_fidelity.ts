import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.js';

// Card-network fidelity:
// - merchant order ids may be 255 characters, and every event carries the one it
//   concerns: webhook_events.order_id grows from 100 to 255 (PostgreSQL enforces the
//   length; SQLite does not), and ids cut at 100 by 0009's backfill are restored;
// - a payment waiting in requires_action names what it waits for (three_ds_step:
//   'method' — the browser runs the 3-D Secure method, then asks to authenticate —
//   or 'challenge');
// - reconciliation counts how often it asked the network about a payment without an
//   answer (reconcile_attempts), so the re-queue is bounded and alerts when exceeded.
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') {
    await sql`alter table webhook_events alter column order_id type varchar(255)`.execute(db);
    await sql`update webhook_events set order_id = left(payload::jsonb #>> '{data,object,order_id}', 255)
      where length(order_id) = 100 and payload::jsonb #>> '{data,object,order_id}' is not null`.execute(db);
  } else {
    await sql`update webhook_events set order_id = substr(json_extract(payload, '$.data.object.order_id'), 1, 255)
      where length(order_id) = 100 and json_valid(payload) and json_type(payload, '$.data.object.order_id') = 'text'`.execute(db);
  }
  await db.schema.alterTable('payments').addColumn('three_ds_step', 'varchar(16)').execute();
  await db.schema
    .alterTable('payments')
    .addColumn('reconcile_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>, dialect: Dialect): Promise<void> {
  await db.schema.alterTable('payments').dropColumn('reconcile_attempts').execute();
  await db.schema.alterTable('payments').dropColumn('three_ds_step').execute();
  if (dialect === 'postgres') {
    await sql`alter table webhook_events alter column order_id type varchar(100) using left(order_id, 100)`.execute(db);
  } else {
    await sql`update webhook_events set order_id = substr(order_id, 1, 100) where length(order_id) > 100`.execute(db);
  }
}
