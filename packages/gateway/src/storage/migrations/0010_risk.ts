import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';
import { serialPrimaryKey } from './helpers.js';

const HOUR_COLUMNS = Array.from({ length: 24 }, (_, h) => `h${String(h).padStart(2, '0')}`);

// The risk engine: velocity events over sliding windows, each merchant's own
// history (amounts and hours per currency, the devices/countries/e-mail
// domains each customer paid from), every assessment with the features it
// was scored on, merchants' fraud reports, merchant rules, and the weights a
// deployment refit on its own reports. Identities are stored only as keyed
// hashes (HMAC): no card number, e-mail, IP or fingerprint in clear.
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('risk_velocity_events')
    .$call((t) => serialPrimaryKey(t, dialect))
    .addColumn('merchant_id', 'varchar(40)', (c) => c.notNull())
    // HMAC of kind + identity (device fingerprint, client IP, card, customer_reference, e-mail).
    .addColumn('key_hash', 'varchar(40)', (c) => c.notNull())
    .addColumn('kind', 'varchar(12)', (c) => c.notNull())
    // HMAC of the card used, for "distinct cards per device/IP".
    .addColumn('card_hash', 'varchar(40)')
    .addColumn('declined', 'integer', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  // Every velocity read is one range scan of this index; the sweep uses the second.
  await db.schema.createIndex('risk_velocity_events_key').on('risk_velocity_events').columns(['merchant_id', 'key_hash', 'at']).execute();
  await db.schema.createIndex('risk_velocity_events_at').on('risk_velocity_events').column('at').execute();

  await db.schema
    .createTable('risk_merchant_profiles')
    .addColumn('merchant_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('currency', 'varchar(8)', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    // Sums of ln(1 + amount in minor units) and of its square: mean and spread without keeping amounts.
    .addColumn('sum_log', 'double precision', (c) => c.notNull())
    .addColumn('sum_sq_log', 'double precision', (c) => c.notNull())
    // Successful payments per UTC hour, h00..h23: one column each, so every update is an atomic increment.
    .$call((t) => HOUR_COLUMNS.reduce((table, column) => table.addColumn(column, 'integer', (c) => c.notNull().defaultTo(0)), t))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('risk_merchant_profiles_pk', ['merchant_id', 'currency'])
    .execute();

  await db.schema
    .createTable('risk_customer_links')
    .addColumn('merchant_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('customer_hash', 'varchar(40)', (c) => c.notNull())
    // device | country | domain
    .addColumn('kind', 'varchar(8)', (c) => c.notNull())
    .addColumn('value_hash', 'varchar(40)', (c) => c.notNull())
    .addColumn('first_seen', 'bigint', (c) => c.notNull())
    .addColumn('last_seen', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('risk_customer_links_pk', ['merchant_id', 'customer_hash', 'kind', 'value_hash'])
    .execute();

  await db.schema
    .createTable('risk_assessments')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('merchant_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('payment_id', 'varchar(40)')
    .addColumn('session_id', 'varchar(40)')
    // JSON array in the order of the model's feature list (what retraining learns from).
    .addColumn('features', 'text', (c) => c.notNull())
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('level', 'varchar(12)', (c) => c.notNull())
    .addColumn('action', 'varchar(12)', (c) => c.notNull())
    .addColumn('reasons', 'text', (c) => c.notNull())
    .addColumn('rule_id', 'varchar(40)')
    .addColumn('model', 'varchar(40)', (c) => c.notNull())
    // succeeded | declined | blocked | failed
    .addColumn('outcome', 'varchar(12)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('risk_assessments_payment').on('risk_assessments').columns(['payment_id', 'created_at']).execute();
  await db.schema.createIndex('risk_assessments_merchant').on('risk_assessments').columns(['merchant_id', 'created_at']).execute();

  await db.schema
    .createTable('risk_fraud_reports')
    .addColumn('payment_id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('merchant_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('fraudulent', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('risk_rules')
    // The serial id is the evaluation order; rule_id is the public id.
    .$call((t) => serialPrimaryKey(t, dialect))
    .addColumn('rule_id', 'varchar(40)', (c) => c.notNull().unique())
    .addColumn('merchant_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('action', 'varchar(12)', (c) => c.notNull())
    .addColumn('predicate', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('risk_rules_merchant').on('risk_rules').columns(['merchant_id', 'id']).execute();

  await db.schema
    .createTable('risk_models')
    .$call((t) => serialPrimaryKey(t, dialect))
    // synthetic | feedback
    .addColumn('source', 'varchar(12)', (c) => c.notNull())
    .addColumn('weights', 'text', (c) => c.notNull())
    .addColumn('metrics', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'risk_models',
    'risk_rules',
    'risk_fraud_reports',
    'risk_assessments',
    'risk_customer_links',
    'risk_merchant_profiles',
    'risk_velocity_events',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
