import SQLite from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { precompiled } from './precompiled.js';
import { CachedSqliteDialect, STATEMENT_CACHE_SIZE, sqliteStatementCounter, watchCommittedInserts } from './sqlite-dialect.js';

interface Db {
  items: { id: number; name: string };
  other: { id: number };
}

describe('the SQLite dialect with a statement cache', () => {
  const open: Array<Kysely<Db>> = [];
  afterEach(async () => {
    for (const db of open.splice(0)) await db.destroy();
  });

  async function setup() {
    const raw = new SQLite(':memory:');
    const prepares: string[] = [];
    const prepare = raw.prepare.bind(raw);
    raw.prepare = ((text: string) => (prepares.push(text), prepare(text))) as typeof raw.prepare;
    const db = new Kysely<Db>({ dialect: new CachedSqliteDialect({ database: raw }) });
    open.push(db);
    await sql`create table items (id integer primary key, name text not null)`.execute(db);
    await sql`create table other (id integer primary key)`.execute(db);
    prepares.length = 0;
    return { db, prepares };
  }

  it('prepares a statement once and reuses it with new values', async () => {
    const { db, prepares } = await setup();
    for (let i = 1; i <= 50; i++)
      await db
        .insertInto('items')
        .values({ id: i, name: `n${i}` })
        .execute();
    for (let i = 1; i <= 50; i++) expect(await db.selectFrom('items').select('name').where('id', '=', i).executeTakeFirst()).toEqual({ name: `n${i}` });
    expect(prepares).toHaveLength(2);
  });

  it('keeps at most STATEMENT_CACHE_SIZE statements (least recently used evicted)', async () => {
    const { db, prepares } = await setup();
    for (let i = 0; i <= STATEMENT_CACHE_SIZE; i++) await sql.raw(`select ${i} as n`).execute(db);
    expect(prepares).toHaveLength(STATEMENT_CACHE_SIZE + 1);
    await sql.raw(`select ${STATEMENT_CACHE_SIZE} as n`).execute(db); // the newest: cached
    expect(prepares).toHaveLength(STATEMENT_CACHE_SIZE + 1);
    await sql.raw('select 0 as n').execute(db); // the oldest: evicted, prepared again
    expect(prepares).toHaveLength(STATEMENT_CACHE_SIZE + 2);
  });

  it('announces an insert into a watched table only once its transaction commits, never after a rollback', async () => {
    const { db } = await setup();
    const seen: string[] = [];
    const stop = watchCommittedInserts('items', () => seen.push('items'));
    try {
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('items').values({ id: 1, name: 'a' }).execute();
        await trx.insertInto('other').values({ id: 1 }).execute();
        expect(seen).toEqual([]); // not yet committed
      });
      expect(seen).toEqual(['items']);
      await expect(
        db.transaction().execute(async (trx) => {
          await trx.insertInto('items').values({ id: 2, name: 'b' }).execute();
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(seen).toEqual(['items']);
      await db.insertInto('other').values({ id: 2 }).execute();
      expect(seen).toEqual(['items']);
      await db.insertInto('items').values({ id: 3, name: 'c' }).execute(); // autocommit
      expect(seen).toEqual(['items', 'items']);
    } finally {
      stop();
    }
  });

  it('counts the statements it executes', async () => {
    const { db } = await setup();
    const before = sqliteStatementCounter.executed;
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('items').values({ id: 1, name: 'a' }).execute();
    });
    expect(sqliteStatementCounter.executed - before).toBe(3); // begin, insert, commit
  });

  it('precompiled queries build once and bind new values each call', async () => {
    const { db, prepares } = await setup();
    await db
      .insertInto('items')
      .values([
        { id: 1, name: 'a' },
        { id: 2, name: 'b' },
      ])
      .execute();
    let builds = 0;
    const byName = precompiled(
      () => db,
      (param) => (builds++, db.selectFrom('items').select('id').where('name', '=', param('name'))),
    );
    expect(await byName({ name: 'a' })).toEqual([{ id: 1 }]);
    expect(await byName({ name: 'b' })).toEqual([{ id: 2 }]);
    expect(await byName({ name: 'zz' })).toEqual([]);
    expect(builds).toBe(1);
    expect(prepares.filter((p) => p.startsWith('select'))).toHaveLength(1);
    await expect(byName({})).rejects.toThrow('no value for name');
  });
});
