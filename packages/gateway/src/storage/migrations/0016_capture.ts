import { sql, type Kysely } from 'kysely';

// Manual capture and the security-code check (docs/card-defence.md).
// - checkout_sessions.capture_method: `automatic` (default) or `manual`.
// - payments: how this payment is captured; the network's security-code
//   result; the review a risk rule opened; the ids of the CAPTURE and VOID
//   transactions (recorded before the call, like pay_txn_id); the amount
//   asked for and the amount actually captured (refunds are bounded by it);
//   until when an authorization waits for its capture.
// - merchants.security_code_decline: JSON array of the security-code
//   results the merchant declines; null = the default (no_match, not_provided).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('checkout_sessions')
    .addColumn('capture_method', 'varchar(16)', (c) => c.notNull().defaultTo('automatic'))
    .execute();
  await db.schema
    .alterTable('payments')
    .addColumn('capture_method', 'varchar(16)', (c) => c.notNull().defaultTo('automatic'))
    .execute();
  await db.schema.alterTable('payments').addColumn('security_code', 'varchar(20)').execute();
  await db.schema.alterTable('payments').addColumn('review', 'text').execute();
  await db.schema.alterTable('payments').addColumn('capture_txn_id', 'varchar(40)').execute();
  await db.schema.alterTable('payments').addColumn('void_txn_id', 'varchar(40)').execute();
  await db.schema.alterTable('payments').addColumn('capture_requested_minor', 'bigint').execute();
  await db.schema
    .alterTable('payments')
    .addColumn('amount_captured_minor', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('payments').addColumn('capture_before', 'bigint').execute();
  // Every payment that succeeded before this migration was captured in full by PAY.
  await sql`UPDATE payments SET amount_captured_minor = amount_minor WHERE status = 'succeeded'`.execute(db);
  await db.schema.createIndex('payments_capture_before').on('payments').columns(['status', 'capture_before']).execute();
  await db.schema.alterTable('merchants').addColumn('security_code_decline', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('merchants').dropColumn('security_code_decline').execute();
  await db.schema.dropIndex('payments_capture_before').execute();
  for (const column of [
    'capture_before',
    'amount_captured_minor',
    'capture_requested_minor',
    'void_txn_id',
    'capture_txn_id',
    'review',
    'security_code',
    'capture_method',
  ]) {
    await db.schema.alterTable('payments').dropColumn(column).execute();
  }
  await db.schema.alterTable('checkout_sessions').dropColumn('capture_method').execute();
}
