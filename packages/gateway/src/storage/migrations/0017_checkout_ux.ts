import type { Kysely } from 'kysely';

// The hosted checkout a shopper can leave and read: the merchant's cancel page
// (allow-listed like the other URLs; null = the fail page) and the language the
// checkout speaks (null = from the shopper's browser, Accept-Language).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('checkout_sessions').addColumn('cancel_url', 'text').execute();
  await db.schema.alterTable('checkout_sessions').addColumn('locale', 'varchar(16)').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('checkout_sessions').dropColumn('locale').execute();
  await db.schema.alterTable('checkout_sessions').dropColumn('cancel_url').execute();
}
