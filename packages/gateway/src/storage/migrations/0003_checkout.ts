import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';
import { serialPrimaryKey } from './helpers.js';

// Checkout sessions, payments with their transition history, and refunds.
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('checkout_sessions')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('merchant_id', 'varchar(40)', (c) => c.notNull().references('merchants.id'))
    .addColumn('token_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('amount', 'varchar(32)', (c) => c.notNull())
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'varchar(3)', (c) => c.notNull())
    .addColumn('customer_reference', 'varchar(255)', (c) => c.notNull())
    .addColumn('order_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('notify_url', 'text', (c) => c.notNull())
    .addColumn('success_redirect_url', 'text', (c) => c.notNull())
    .addColumn('fail_redirect_url', 'text', (c) => c.notNull())
    .addColumn('capture_mode', 'varchar(20)', (c) => c.notNull())
    .addColumn('require_otp', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('otp_verified_at', 'bigint')
    .addColumn('customer_enc', 'text')
    .addColumn('metadata_enc', 'text')
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('device_fingerprint', 'varchar(64)')
    .addColumn('current_payment_id', 'varchar(40)')
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('checkout_sessions_merchant_order', ['merchant_id', 'order_id'])
    .execute();
  await db.schema.createIndex('checkout_sessions_status_expiry').on('checkout_sessions').columns(['status', 'expires_at']).execute();

  await db.schema
    .createTable('payments')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('session_id', 'varchar(40)', (c) => c.notNull().references('checkout_sessions.id'))
    .addColumn('merchant_id', 'varchar(40)', (c) => c.notNull().references('merchants.id'))
    .addColumn('order_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('amount', 'varchar(32)', (c) => c.notNull())
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'varchar(3)', (c) => c.notNull())
    .addColumn('customer_reference', 'varchar(255)', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('hosted_session_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('mpgs_order_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('auth_txn_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('pay_txn_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('authentication_status', 'varchar(40)')
    .addColumn('card_brand', 'varchar(32)')
    .addColumn('card_masked', 'varchar(32)')
    .addColumn('card_expiry', 'varchar(8)')
    .addColumn('gateway_code', 'varchar(64)')
    .addColumn('failure_reason', 'varchar(255)')
    .addColumn('amount_refunded_minor', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('reconcile_after', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('payments_merchant_order').on('payments').columns(['merchant_id', 'order_id']).execute();
  await db.schema.createIndex('payments_session').on('payments').column('session_id').execute();
  await db.schema.createIndex('payments_reconcile').on('payments').columns(['status', 'reconcile_after']).execute();

  await db.schema
    .createTable('payment_transitions')
    .$call((t) => serialPrimaryKey(t, dialect))
    .addColumn('payment_id', 'varchar(40)', (c) => c.notNull().references('payments.id'))
    .addColumn('from_status', 'varchar(20)')
    .addColumn('to_status', 'varchar(20)', (c) => c.notNull())
    .addColumn('cause', 'varchar(255)', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('payment_transitions_payment').on('payment_transitions').column('payment_id').execute();

  await db.schema
    .createTable('refunds')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('payment_id', 'varchar(40)', (c) => c.notNull().references('payments.id'))
    .addColumn('merchant_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('amount', 'varchar(32)', (c) => c.notNull())
    .addColumn('amount_minor', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'varchar(3)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('mpgs_txn_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('gateway_code', 'varchar(64)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('refunds_payment').on('refunds').column('payment_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['refunds', 'payment_transitions', 'payments', 'checkout_sessions']) await db.schema.dropTable(table).ifExists().execute();
}
