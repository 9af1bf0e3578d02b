import type { Kysely } from 'kysely';

// The HTTP edge and storage health: failed merchant authentications counted
// per client address and minute (shared by every gateway process, so the
// limit holds across them), and the one-row table /readyz writes to prove the
// database still accepts writes (a full disk fails it).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('auth_failures')
    .addColumn('client_ip', 'varchar(64)', (c) => c.notNull())
    // Start of the minute the failures fell in (ms since the epoch).
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('auth_failures_pk', ['client_ip', 'window_start'])
    .execute();
  await db.schema.createIndex('auth_failures_window').on('auth_failures').column('window_start').execute();

  await db.schema
    .createTable('storage_probe')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('touched_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.insertInto('storage_probe').values({ id: 1, touched_at: 0 }).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('storage_probe').execute();
  await db.schema.dropTable('auth_failures').execute();
}
