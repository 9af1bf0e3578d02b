import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

// Tamper-evident audit log (modules/audit/chain.ts): every record gets its
// place in one chain (`chain_seq`, contiguous from 1), the HMAC linking it to
// the previous record (`chain_hash`) and the master-key version whose derived
// key made that HMAC. `audit_chain` holds the head of the chain: its row is
// the lock every appending process takes, in either dialect, and lets
// `pdirect audit verify` notice records cut off the end.
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('audit_log').addColumn('chain_seq', 'bigint').execute();
  await db.schema.alterTable('audit_log').addColumn('chain_hash', 'varchar(64)').execute();
  await db.schema.alterTable('audit_log').addColumn('chain_key_version', 'integer').execute();
  await db.schema.createIndex('audit_log_chain_seq').on('audit_log').column('chain_seq').unique().execute();
  await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();

  await db.schema
    .createTable('audit_chain')
    .addColumn('id', 'varchar(16)', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db
    .insertInto('audit_chain')
    .values({ id: 'main', seq: 0, hash: '0'.repeat(64), updated_at: 0 })
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_chain').ifExists().execute();
  await db.schema.dropIndex('audit_log_at').ifExists().execute();
  await db.schema.dropIndex('audit_log_chain_seq').ifExists().execute();
  for (const column of ['chain_key_version', 'chain_hash', 'chain_seq']) await db.schema.alterTable('audit_log').dropColumn(column).execute();
}
