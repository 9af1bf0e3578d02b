import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';
import { serialPrimaryKey } from './helpers.js';

/** Every payment recorded before this migration went through the one network there was. */
const NETWORK_BEFORE_0006 = 'mpgs';

// Network-neutral storage: the network's order and transaction references
// lose the first network's name, every payment names its network and may
// keep an opaque JSON blob for it; checkout sessions get a transition
// history like payments have. Existing rows are migrated in place (a column
// rename keeps the values; the new `network` column is filled for old rows).
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  await db.schema.alterTable('payments').renameColumn(`${NETWORK_BEFORE_0006}_order_id`, 'network_order_ref').execute();
  await db.schema
    .alterTable('payments')
    .addColumn('network', 'varchar(32)', (c) => c.notNull().defaultTo(NETWORK_BEFORE_0006))
    .execute();
  await db.schema.alterTable('payments').addColumn('network_data', 'text').execute();
  await db.schema.alterTable('refunds').renameColumn(`${NETWORK_BEFORE_0006}_txn_id`, 'network_txn_ref').execute();

  await db.schema
    .createTable('session_transitions')
    .$call((t) => serialPrimaryKey(t, dialect))
    .addColumn('session_id', 'varchar(40)', (c) => c.notNull().references('checkout_sessions.id'))
    .addColumn('from_status', 'varchar(16)')
    .addColumn('to_status', 'varchar(16)', (c) => c.notNull())
    .addColumn('cause', 'varchar(255)', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('session_transitions_session').on('session_transitions').column('session_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('session_transitions').ifExists().execute();
  await db.schema.alterTable('refunds').renameColumn('network_txn_ref', `${NETWORK_BEFORE_0006}_txn_id`).execute();
  await db.schema.alterTable('payments').dropColumn('network_data').execute();
  await db.schema.alterTable('payments').dropColumn('network').execute();
  await db.schema.alterTable('payments').renameColumn('network_order_ref', `${NETWORK_BEFORE_0006}_order_id`).execute();
}
