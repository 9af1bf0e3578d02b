import type { Kysely } from 'kysely';

/**
 * Idempotency keys (docs/api.md#http-api). The primary key (scope, key) is the
 * lock: the first request inserts its row with ON CONFLICT DO NOTHING, so of
 * any number of concurrent requests, in any number of processes, exactly one
 * gets the row. Nothing here is dialect-specific.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('scope', 'varchar(100)', (c) => c.notNull())
    .addColumn('idempotency_key', 'varchar(255)', (c) => c.notNull())
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('owner_request_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('method', 'varchar(16)', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('request_fingerprint', 'text', (c) => c.notNull())
    .addColumn('locked_until', 'bigint')
    .addColumn('response_status', 'integer')
    .addColumn('response', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['scope', 'idempotency_key'])
    .execute();
  // For the sweep: completed rows by expiry, in-flight rows by lease.
  await db.schema.createIndex('idempotency_keys_expires').on('idempotency_keys').column('expires_at').execute();
  await db.schema.createIndex('idempotency_keys_locked').on('idempotency_keys').column('locked_until').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('idempotency_keys').ifExists().execute();
}
