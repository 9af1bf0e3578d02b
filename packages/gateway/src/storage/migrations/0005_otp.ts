import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';
import { serialPrimaryKey } from './helpers.js';

// Customer OTP (docs/api.md#http-api): the one live code per session (as a keyed hash),
// the sliding-window rate limits shared by every gateway process, and the
// sandbox outbox (codes sealed with the personal-data keyring, kept only
// while the code is valid).
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('otp_challenges')
    // One row per session: issuing a code replaces the previous one, so at most one code is ever valid.
    .addColumn('session_id', 'varchar(40)', (c) => c.primaryKey().references('checkout_sessions.id'))
    // Changes with every issue: verification compare-and-sets on it, never on the hash.
    .addColumn('id', 'varchar(40)', (c) => c.notNull())
    .addColumn('channel', 'varchar(8)', (c) => c.notNull())
    .addColumn('code_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('wrong_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('consumed_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('otp_challenges_expiry').on('otp_challenges').column('expires_at').execute();

  await db.schema
    .createTable('otp_rate_limits')
    .addColumn('bucket', 'varchar(120)', (c) => c.primaryKey())
    // JSON array of the millisecond times of the counted hits still inside the window.
    .addColumn('hits', 'text', (c) => c.notNull())
    // When the newest hit leaves the window: after this the row says nothing and is swept.
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('otp_rate_limits_expiry').on('otp_rate_limits').column('expires_at').execute();

  await db.schema
    .createTable('otp_outbox')
    .$call((t) => serialPrimaryKey(t, dialect))
    .addColumn('session_id', 'varchar(40)', (c) => c.notNull().references('checkout_sessions.id'))
    .addColumn('merchant_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('channel', 'varchar(8)', (c) => c.notNull())
    // Keyring ciphertext of {to, code, message}: never the code in clear.
    .addColumn('sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('otp_outbox_session').on('otp_outbox').columns(['session_id', 'created_at']).execute();
  await db.schema.createIndex('otp_outbox_expiry').on('otp_outbox').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['otp_outbox', 'otp_rate_limits', 'otp_challenges']) await db.schema.dropTable(table).ifExists().execute();
}
