import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

describe('reads outside a transaction share one read transaction per turn of the event loop', () => {
  let dir: string;
  let db: Kysely<Db>;
  let raw: SQLite.Database;
  /** Another process's connection to the same file. */
  let other: SQLite.Database;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdirect-snapshot-'));
    const file = path.join(dir, 'db.sqlite');
    raw = new SQLite(file);
    raw.pragma('journal_mode = WAL');
    db = new Kysely<Db>({ dialect: new CachedSqliteDialect({ database: raw }) });
    await sql`create table items (id integer primary key, name text not null)`.execute(db);
    await sql`create table other (id integer primary key)`.execute(db);
    other = new SQLite(file);
    other.pragma('busy_timeout = 0');
  });
  afterEach(async () => {
    other.close();
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const names = async () => (await db.selectFrom('items').select('name').orderBy('id').execute()).map((r) => r.name);
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

  it('reads in one turn see one snapshot; the next turn sees what another process committed', async () => {
    expect(await names()).toEqual([]);
    expect(raw.inTransaction).toBe(true); // the shared read transaction is open...
    other.prepare("insert into items (id, name) values (1, 'from another process')").run(); // ...and does not block a writer (WAL)
    expect(await names()).toEqual([]); // same turn: the same snapshot
    await nextTurn();
    expect(raw.inTransaction).toBe(false); // ended with the turn
    expect(await names()).toEqual(['from another process']);
  });

  it('a write is never inside it: committed before its promise resolves, UPDATE … RETURNING included, and read back at once', async () => {
    expect(await names()).toEqual([]);
    await db.insertInto('items').values({ id: 1, name: 'a' }).execute();
    // Another connection sees it in the same turn: it was committed on its own.
    expect(other.prepare('select name from items').all()).toEqual([{ name: 'a' }]);
    expect(await names()).toEqual(['a']); // read-your-writes
    const returned = await db.updateTable('items').set({ name: 'b' }).where('id', '=', 1).returning('name').execute();
    expect(returned).toEqual([{ name: 'b' }]);
    expect(raw.inTransaction).toBe(false);
    expect(other.prepare('select name from items').all()).toEqual([{ name: 'b' }]);
    // And a writer in another process can take the write lock right after: nothing of ours holds it.
    other.prepare("insert into items (id, name) values (2, 'c')").run();
    expect(await names()).toEqual(['b', 'c']);
  });

  it('an explicit transaction or a streamed read after reads of the same turn starts cleanly', async () => {
    expect(await names()).toEqual([]);
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('items').values({ id: 1, name: 'in a transaction' }).execute();
    });
    expect(other.prepare('select name from items').all()).toEqual([{ name: 'in a transaction' }]);
    expect(await names()).toEqual(['in a transaction']);
    const streamed: string[] = [];
    for await (const row of db.selectFrom('items').select('name').stream()) streamed.push(row.name);
    expect(streamed).toEqual(['in a transaction']);
  });

  it('is not counted as statements, and a closed database ends it quietly', async () => {
    const before = sqliteStatementCounter.executed;
    await names();
    await names();
    expect(sqliteStatementCounter.executed - before).toBe(2);
    await db.destroy(); // with the read transaction of this turn still open
    await nextTurn(); // its end-of-turn callback finds the database closed: nothing thrown
    db = new Kysely<Db>({ dialect: new CachedSqliteDialect({ database: (raw = new SQLite(path.join(dir, 'db.sqlite'))) }) });
  });
});
