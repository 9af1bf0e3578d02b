import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';
import { serialPrimaryKey } from './helpers.js';

// The merchant dashboard: its users (password as Argon2id, TOTP secret sealed
// with the personal-data keyring), one-time setup links and recovery codes
// (hashes only), browser sessions (hash of the cookie value only), and the
// sign-in throttle shared by every gateway process.
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('dashboard_users')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('merchant_id', 'varchar(40)', (c) => c.notNull().references('merchants.id'))
    // Lower-cased; one account per address across the gateway (sign-in names no merchant).
    .addColumn('email', 'varchar(254)', (c) => c.notNull().unique())
    .addColumn('role', 'varchar(16)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('password_hash', 'text')
    .addColumn('totp_secret_enc', 'text')
    // The last accepted TOTP time step: a code is never accepted twice.
    .addColumn('totp_last_step', 'bigint')
    .addColumn('created_by', 'varchar(40)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dashboard_users_merchant').on('dashboard_users').column('merchant_id').execute();

  await db.schema
    .createTable('dashboard_setup_links')
    .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(40)', (c) => c.notNull().references('dashboard_users.id'))
    // The TOTP secret offered on the setup page, sealed; it becomes the user's only when a code from it is entered.
    .addColumn('pending_totp_enc', 'text')
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dashboard_setup_links_user').on('dashboard_setup_links').column('user_id').execute();

  await db.schema
    .createTable('dashboard_recovery_codes')
    .$call((t) => serialPrimaryKey(t, dialect))
    .addColumn('user_id', 'varchar(40)', (c) => c.notNull().references('dashboard_users.id'))
    .addColumn('code_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema.createIndex('dashboard_recovery_codes_user').on('dashboard_recovery_codes').column('user_id').execute();

  await db.schema
    .createTable('dashboard_sessions')
    // SHA-256 of the cookie value: a database reader cannot sign in with it.
    .addColumn('id_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(40)', (c) => c.notNull().references('dashboard_users.id'))
    // 'code': the password was right, the authentication code is awaited; 'active': signed in.
    .addColumn('stage', 'varchar(8)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dashboard_sessions_user').on('dashboard_sessions').column('user_id').execute();
  await db.schema.createIndex('dashboard_sessions_expiry').on('dashboard_sessions').column('expires_at').execute();

  await db.schema
    .createTable('dashboard_sign_in_throttle')
    // `account:<HMAC of the e-mail>` (known or not) or `ip:<address>`.
    .addColumn('bucket', 'varchar(120)', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('locked_until', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['dashboard_sign_in_throttle', 'dashboard_sessions', 'dashboard_recovery_codes', 'dashboard_setup_links', 'dashboard_users']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
