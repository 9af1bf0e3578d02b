import type { Kysely } from 'kysely';

// Card-entry defence: every hosted card session the gateway opens is a
// credential bound to the checkout session (and merchant) it was issued for,
// spent by the first payment attempt that uses it. The id is kept only as a
// SHA-256 hash. The rows also feed the per-checkout and per-device/IP caps
// (counted across every gateway process sharing the database).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('card_sessions')
    .addColumn('id_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('session_id', 'varchar(40)', (c) => c.notNull().references('checkout_sessions.id'))
    .addColumn('merchant_id', 'varchar(40)', (c) => c.notNull())
    // 1..cap within the checkout session: the unique pair makes the per-checkout cap exact across processes.
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('client_ip', 'varchar(64)', (c) => c.notNull())
    .addColumn('device_fingerprint', 'varchar(128)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('spent_at', 'bigint')
    .addColumn('spent_by', 'varchar(40)')
    .addUniqueConstraint('card_sessions_session_seq', ['session_id', 'seq'])
    .execute();
  await db.schema.createIndex('card_sessions_ip').on('card_sessions').columns(['client_ip', 'created_at']).execute();
  await db.schema.createIndex('card_sessions_device').on('card_sessions').columns(['device_fingerprint', 'created_at']).execute();

  // The fraud screening of the attempt, as the payment shows it: JSON { score, level, action, reasons, rule_id? }.
  await db.schema.alterTable('payments').addColumn('risk', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('payments').dropColumn('risk').execute();
  await db.schema.dropTable('card_sessions').ifExists().execute();
}
