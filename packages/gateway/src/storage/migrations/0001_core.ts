import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';
import { serialPrimaryKey } from './helpers.js';

// Merchants, their API keys and webhook secrets, and the audit log.
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('merchants')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('mode', 'varchar(8)', (c) => c.notNull())
    .addColumn('redirect_hosts', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('fingerprint_mode', 'varchar(16)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('merchant_keys')
    .addColumn('key_id', 'varchar(16)', (c) => c.primaryKey())
    .addColumn('merchant_id', 'varchar(40)', (c) => c.notNull().references('merchants.id'))
    .addColumn('mode', 'varchar(8)', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('ip_allowlist', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('merchant_keys_merchant').on('merchant_keys').column('merchant_id').execute();

  await db.schema
    .createTable('webhook_secrets')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('merchant_id', 'varchar(40)', (c) => c.notNull().references('merchants.id'))
    .addColumn('ciphertext', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .execute();
  await db.schema.createIndex('webhook_secrets_merchant').on('webhook_secrets').column('merchant_id').execute();

  await db.schema
    .createTable('audit_log')
    .$call((t) => serialPrimaryKey(t, dialect))
    .addColumn('request_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('credential_type', 'varchar(32)', (c) => c.notNull())
    .addColumn('credential_id', 'varchar(64)')
    .addColumn('merchant_id', 'varchar(40)')
    .addColumn('source_ip', 'varchar(64)', (c) => c.notNull())
    .addColumn('user_agent', 'text')
    .addColumn('method', 'varchar(16)', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('body_fingerprint', 'varchar(64)')
    .addColumn('warnings', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema.createIndex('audit_log_request').on('audit_log').column('request_id').execute();
  await db.schema.createIndex('audit_log_merchant_at').on('audit_log').columns(['merchant_id', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['audit_log', 'webhook_secrets', 'merchant_keys', 'merchants']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
