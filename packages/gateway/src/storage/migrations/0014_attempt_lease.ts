import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * An in-flight payment attempt holds a lease (renewed by the live collect
 * while it waits on the network) and carries its own deadline (the
 * connector's worst case from the attempt's start): the reconciler never
 * concludes "not charged" while either holds.
 */
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('payments').addColumn('lease_expires_at', 'bigint').execute();
  await db.schema.alterTable('payments').addColumn('attempt_deadline_at', 'bigint').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('payments').dropColumn('attempt_deadline_at').execute();
  await db.schema.alterTable('payments').dropColumn('lease_expires_at').execute();
}
